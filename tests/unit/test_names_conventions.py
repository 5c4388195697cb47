"""Documented spelling conventions of Arabic names in Latin letters, as hand-written pairs: the
same person must match across scripts, and relatives and namesakes with names that look close
must not. Each group names where its convention is described. Scores are checked both ways round
(the profile may be written in either script) and through the index that serves checks.

Sources of the conventions:
- ALA-LC: Library of Congress, "Arabic romanization table" (2012): ʻ for ع, ʼ for hamza, the
  article al- kept before sun letters (ʻAbd al-Raḥmān), ة as -ah / -at, doubled letters for shadda.
- DIN 31635 (1982) and the UN / UNGEGN 1972 system: the article assimilated to a sun letter
  (ʿAbd ar-Raḥmān, Nūr ad-Dīn, ash-Shāmī).
- French transliteration of the Maghreb civil registers (état civil of Algeria, Tunisia, Morocco;
  Wikipedia "Romanization of Arabic", French-based forms): ou for و/u, ch for ش, dj for ج
  (Algeria), kh, gh, e for short vowels, Ben / Bou / Ould written apart or glued (Benkirane,
  Bouteflika), Abdel- / Abder- / Abdes- before sun letters, -a / -ia for ة, M'hamed.
- Egyptian ج as g (Gamal, Naguib, Hegazy), and ة as -a; Levantine ة as -eh (Zaitouneh).
- Gulf and Saudi official forms: bin, Al (آل, the house of) before the family, written Al X,
  Al-X or glued Alx (Al Nahyan, Althani).
- Mauritania: Ould (ولد). South and South-East Asia: Mohd, Muhd, Md for Muhammad. Turkish
  spellings: Mehmet, Ahmet.
- Arabizi (the Arabic chat alphabet): 2 = ء, 3 = ع, 5 = خ, 7 = ح.
- Compounds X al-Din (laqabs: Wikipedia "Laqab"; Encyclopaedia of Islam, "Laḳab"): the tail written
  ad-Dīn (DIN 31635), al-Dīn (ALA-LC), -eddine / Eddine (French, Maghreb registers), -uddin (South
  Asia), -ettin (Turkish: Necmettin, Hayreddin); X-ullah and X ur-Rahman (Afghan, Pakistani and
  Bangladeshi registers: Najibullah, Ziaur Rahman); the head tells brothers apart.
- Moroccan civil register forms of فاطمة الزهراء: Fatima-Zahra, Fatim-Zahra, Fatimzahra,
  Fatima-Ezzahra, Fatima Zohra; Moulay, Lalla and Sidi written before a given name, apart or
  hyphenated (Moulay Hafid Elalamy, Lalla Salma, Sidi Mohamed Ould Boubacar): part of the name.
- Persian, Afghan (Dari, Pashto) and Central Asian compounds with گل (gul, "flower") and جان (jan,
  "dear"): Gul Ahmad, Gulalai, Shah Gul, Gulbuddin, Ahmad Jan, Jan Mohammad, Nazir Jan, written
  apart, hyphenated or glued, with Persian letters (ی ک گ) or Pashto ۍ; Latin gul / gol / goul,
  jan / jaan / djan and Tajik / Uzbek -jon (Wikipedia "Afghan name", "Gul (name)", "Jan (name)";
  Gulbuddin Hekmatyar, Gulab Mangal, Gul Agha Sherzai, Gulalai Ismail as their names are written in
  Dari and English). Ghulam (غلام, "servant of") and Gulab (گلاب, "rose water") are other names.
- ق as g in Gulf, Sudanese and Maghrebi speech and spellings (Gaddafi, Belgacem, Gassim, Guerfi;
  Wikipedia "Qaf", "Varieties of Arabic"); غ as rh in French colonial spellings (Rharb, Rharbi).
"""

from __future__ import annotations

import pytest

from heuristics.names import NameIndex, normalise, similarity
from heuristics.names.closed import (
    COMPOUND_HEADS_ARABIC,
    COMPOUND_HEADS_LATIN,
    DIVINE_NAMES,
    compound_heads_latin,
    divine_latin,
)
from heuristics.rules import load_default_rules

MATCH = load_default_rules().rules["impersonation.contact"].params.min_similarity  # type: ignore[attr-defined]

SAME_PERSON = {
    "Egyptian g for ج": [
        ("جمال عبد الناصر", "Gamal Abdel Nasser"),
        ("جمال عبد الناصر", "Gamal Abd el-Nasser"),
        ("نجيب محفوظ", "Naguib Mahfouz"),
        ("حجازي محمد", "Hegazy Mohamed"),
        ("نبيل رجب", "Nabil Ragab"),
    ],
    "Abd al- / Abdul / Abdel / Abd el / Abd-al / Abder- (ALA-LC, DIN 31635, French)": [
        ("عبد الرحمن منيف", "Abdul Rahman Munif"),
        ("عبد الرحمن منيف", "Abdelrahman Mounif"),
        ("عبد الرحمن منيف", "Abd ar-Rahman Munif"),
        ("عبد الرحمن منيف", "Abdur-Rahman Munif"),
        ("عبد الرحمن منيف", "Abdurrahman Munif"),
        ("عبد الرحمن منيف", "Abd-al-Rahman Munif"),
        ("عبد الرحمن منيف", "ʿAbd al-Raḥmān Munīf"),
        ("عبد الرحمن منيف", "Abderrahmane Mounif"),
        ("عبد الله حمدوك", "Abdalla Hamdok"),
        ("عبد الله حمدوك", "Abdellah Hamdouk"),
        ("عبد الله حمدوك", "Abdulla Hamdok"),
        ("عبد القادر حشاني", "Abdel-Kader Hachani"),
        ("عبد القادر حشاني", "Abdul Qadir Hashani"),
        ("عبد العزيز بوتفليقة", "Abd el Aziz Bouteflika"),
        ("عبد السلام جلود", "Abdessalam Jalloud"),
        ("عبد السلام جلود", "Abd as-Salam Jallud"),
        ("عبد الصمد شاهين", "Abdessamad Chahine"),
        ("عبد الإله بنكيران", "Abd al-Ilah Benkirane"),
        ("عبد الله واد", "Abdoulaye Wade"),  # West African
    ],
    "Abu / Abou / Bou / Bu": [
        ("أبو بكر البغدادي", "Abu Bakr al-Baghdadi"),
        ("أبو بكر البغدادي", "Abou Bakr el-Baghdadi"),
        ("أبو بكر البغدادي", "Aboubakr Baghdadi"),
        ("بوعلام صنصال", "Boualem Sansal"),
        ("محمد بوعزيزي", "Mohamed Bou Azizi"),
        ("محمد بوعزيزي", "Mohamed Bu Azizi"),
        ("عبد الحميد أبو زيد", "Abdelhamid Abou Zeid"),
        ("عبد الحميد أبو زيد", "Abd al-Hamid Abu Zayd"),
    ],
    "Ben / Bin / Ibn / Ould, apart or glued": [
        ("زين العابدين بن علي", "Zine El Abidine Ben Ali"),
        ("زين العابدين بن علي", "Zine El Abidine Benali"),
        ("أسامة بن لادن", "Usama bin Ladin"),
        ("أسامة بن لادن", "Oussama Ben Laden"),
        ("محمد ولد الغزواني", "Mohamed Ould Ghazouani"),
        # الشيخ is also a title: after ولد it is a family name (Mauritania)
        ("سيدي محمد ولد الشيخ عبد الله", "Sidi Mohamed Ould Cheikh Abdallahi"),
        ("عبد الله ولد الشيخ", "Abdallahi Ould Cheikh"),
        ("أحمد بن بلة", "Ahmed Benbella"),
        # جديد is also the word "new", which clones add: after بن it is a name
        ("الشاذلي بن جديد", "Chadli Bendjedid"),
        ("الشاذلي بن جديد", "Chedli Ben Djedid"),
        ("الشاذلي بن جديد", "Shadhili bin Jadid"),
        ("صلاح جديد", "Salah Jadid"),
    ],
    "Mohamed / Muhammad / Mohammed / M'hamed / Mohd / Md / Mehmet": [
        ("محمد مرسي", "Muhammad Mursi"),
        ("محمد مرسي", "Mohammed Morsy"),
        ("محمد مرسي", "Mohd Morsi"),
        ("محمد مرسي", "Md Morsi"),
        ("محمد مرسي", "Mhamed Morsi"),
        ("محمد مرسي", "M'hamed Morsi"),
        ("محمد مرسي", "Mouhamed Morsi"),
        ("محمد مرسي", "Mehmet Mursi"),
        ("امحمد بوقرة", "Mhamed Bougara"),
        ("محمد عبد الله", "MOHD ABDULLAH"),
    ],
    "ta marbuta as -a, -ah, -eh, -et": [
        ("فاطمة الزهراء", "Fatimah al-Zahraa"),
        ("فاطمة الزهراء", "Fatma Zohra"),
        ("عائشة القذافي", "Aicha Kadhafi"),
        ("عائشة القذافي", "Aisheh Gathafi"),
        ("رحمة حسن", "Rahmeh Hassan"),
        ("رحمة حسن", "Rahmah Hasan"),
        ("نعمة خوري", "Nimet Khoury"),
        ("رزان زيتونة", "Razan Zaitouneh"),
        ("رزان زيتونة", "Razan Zaytuna"),
        ("غادة السمان", "Ghadeh Samman"),
    ],
    "sun letters assimilated or not (DIN 31635 / UN vs ALA-LC)": [
        ("نور الدين زكري", "Nour Eddine Zekri"),
        ("نور الدين زكري", "Nur al-Din Zikri"),
        ("نور الدين زكري", "Nuruddin Zikri"),
        ("صلاح الدين الأيوبي", "Salah ad-Din al-Ayyubi"),
        ("صلاح الدين الأيوبي", "Salaheddine Ayoubi"),
        ("خالد الشامي", "Khaled Ash-Shami"),
        ("خالد الشامي", "Khalid ash Shami"),
        ("خالد الشامي", "Khaled Echami"),
        ("أحمد الطيب", "Ahmed at-Tayyib"),
        ("أحمد الطيب", "Ahmad Ettayeb"),
        ("سعد الدين العثماني", "Saad Eddine El Othmani"),
    ],
    "shadda as a doubled letter or not": [
        ("حسان دياب", "Hasan Diab"),
        ("عمار حمدي", "Amar Hamdy"),
        ("بشار الأسد", "Bashshar Asad"),
        ("توكل كرمان", "Tawakkol Karman"),
        ("توكل كرمان", "Tawakul Karman"),
    ],
    "ou / u, ch / sh, dj / j, c / s (French and English forms)": [
        ("يوسف الشاهد", "Youssef Chahed"),
        ("يوسف الشاهد", "Youcef Chahed"),
        ("يوسف الشاهد", "Yusuf al-Shahid"),
        ("جميلة بوحيرد", "Djamila Bouhired"),
        ("جميلة بوحيرد", "Jamila Buhayrid"),
        ("هواري بومدين", "Houari Boumediene"),
        ("قاسم سليماني", "Ghasem Soleymani"),
        ("قاسم سليماني", "Kassem Suleimani"),
        ("هشام جعيط", "Hichem Djait"),
        ("الحبيب بورقيبة", "Habib Bourguiba"),
    ],
    "Arabizi digits (2 = ء, 3 = ع, 5 = خ, 7 = ح)": [
        ("أحمد خالد", "Ahmad 5aled"),
        ("أحمد خالد", "a7mad 5aled"),
        ("عمر عبد الله", "3omar 3abdallah"),
        ("سعيد حمود", "Sa3eed 7amoud"),
        ("علاء عبد الفتاح", "3alaa 3abd el fatta7"),
    ],
    "capitals, hyphens, apostrophes, ʿayn and hamza signs (ALA-LC ʻ ʼ, DIN ʿ ʾ)": [
        ("علاء عبد الفتاح", "ALAA ABD EL FATTAH"),
        ("سعيد عبد الله", "Saʿīd ʿAbd Allāh"),
        ("سعيد عبد الله", "Sa'id 'Abd Allah"),
        ("سعيد عبد الله", "Sa`id `Abdallah"),
        ("مأمون الشريف", "Maʾmūn al-Sharīf"),
        ("رائد صلاح", "Raʾid Ṣalāḥ"),
        ("عائشة عبد الرحمن", "ʿĀʾisha ʿAbd al-Raḥmān"),
        ("عائشة عبد الرحمن", "Aïcha Abderrahmane"),
    ],
    "Gulf bin and Al (آل), apart, hyphenated or glued": [
        ("محمد بن زايد آل نهيان", "Mohamed bin Zayed Al Nahyan"),
        ("محمد بن زايد آل نهيان", "Mohammed bin Zayed Al-Nahyan"),
        ("محمد بن زايد آل نهيان", "Mohamed bin Zayed Alnahyan"),
        ("تميم بن حمد آل ثاني", "Tamim bin Hamad Althani"),
        ("سلمان العودة", "Salman Alodah"),
        ("لجين الهذلول", "Loujain Alhathloul"),
        ("لجين الهذلول", "Lujain al-Hadhlul"),
    ],
    "Maghrebi and Levantine forms": [
        ("الطاهر بن جلون", "Taher Benjelloun"),
        ("مصطفى الخلفي", "Mostafa Elkhalfi"),
        ("سهام بن سدرين", "Sihem Bensedrine"),
        ("مبارك ولد بيروك", "M'barek Ould Beyrouk"),
        ("ظافر العابدين", "Dhafer L'Abidine"),
        ("ذكرى محمد", "Thekra Mohamed"),
        ("ضياء رشوان", "Diaa Rashwan"),
        ("حسين الحوثي", "Husayn al-Huthi"),
        ("حسين الحوثي", "Hossein Houthi"),
        ("حسين الحوثي", "Houcine Houthi"),
        ("حسن نصر الله", "Hassen Nasrallah"),
    ],
    "X al-Din: ad-Din, al-Din, Eddine, -eddine, -uddin, -ettin, hyphenated or glued": [
        ("نور الدين زكري", "Noureddine Zekri"),
        ("نور الدين زكري", "Nour-Eddine Zekri"),
        ("نور الدين زكري", "Nureddin Zekri"),
        ("نور الدين زكري", "Nourdine Zekri"),
        ("نصر الدين خالدي", "Nasreddine Khaldi"),
        # ناصر and نصر are one head to the table: the Shah is also written Nasreddin
        ("ناصر الدين شاه", "Naser al-Din Shah"),
        ("ناصر الدين شاه", "Nasreddin Shah"),
        ("ناصر الدين شاه", "Nacer Eddine Shah"),
        ("علاء الدين يوسف", "Alaeddine Youssef"),
        ("علاء الدين يوسف", "Alaa El-Din Youssef"),
        ("صلاح الدين مزوار", "Salaheddine Mezouar"),
        ("صلاح الدين مزوار", "Salah Eddine Mezouar"),
        ("كمال الدين حسين", "Kamal al-Din Husayn"),
        ("كمال الدين حسين", "Kamel Eddine Hussein"),
        ("عز الدين القسام", "Izz ad-Din al-Qassam"),
        ("عز الدين القسام", "Ezzeddine Al-Qassam"),
        ("عز الدين القسام", "Azzedine Qassam"),
        ("خير الدين بربروس", "Khayr al-Din Barbarossa"),
        ("خير الدين التونسي", "Khayreddine Ettounsi"),
        ("خير الدين التونسي", "Hayreddin Tunusi"),
        ("نجم الدين أربكان", "Necmettin Erbakan"),
        ("زين الدين زيدان", "Zinedine Zidane"),
        ("جمال الدين الأفغاني", "Jamal al-Din al-Afghani"),
        ("جمال الدين الأفغاني", "Djamaleddine Afghani"),
        ("زياد تقي الدين", "Ziad Takieddine"),
        ("سيف الدين الطرابلسي", "Seifeddine Trabelsi"),
        ("محيي الدين ابن عربي", "Muhyiddin Ibn Arabi"),
        ("شمس الدين العلمي", "Chamseddine Alami"),
        ("فخر الدين المعني", "Fakhreddine Maani"),
        ("بهاء الدين زكري", "Bahaa Eldin Zekri"),
        ("حسام الدين زكري", "Hossam El-Din Zekri"),
        ("عماد الدين أديب", "Emad El-Din Adeeb"),
        ("نظام الدين أولياء", "Nizamuddin Auliya"),
        ("ضياء الدين زكري", "Diaeddine Zekri"),
        ("ضياء الدين زكري", "Ziauddin Zekri"),
        ("بدر الدين زكري", "Badreddine Zekri"),
        ("شرف الدين زكري", "Charafeddine Zekri"),
        ("قمر الدين زكري", "Kamareddine Zekri"),
        ("سعد الدين العثماني", "Saadeddine Othmani"),
    ],
    "X-ullah and X ur-Rahman (Afghanistan, Pakistan, Bangladesh), apart or glued": [
        ("نصر الله زكري", "Nasrullah Zekri"),
        ("نجيب الله احمدزي", "Najibullah Ahmadzai"),
        ("حبيب الله زكري", "Habib-ullah Zekri"),
        ("فضل الله زكري", "Fadlallah Zekri"),
        ("رحمة الله زكري", "Rahmatullah Zekri"),
        ("ضياء الرحمن زكري", "Ziaur Rahman Zekri"),
        ("مجيب الرحمن زكري", "Mujibur Rahman Zekri"),
        ("فضل الرحمن زكري", "Fazlur Rahman Zekri"),
        ("حبيب الرحمن زكري", "Habib ur-Rehman Zekri"),
    ],
    "X al-Din and X-ullah of a head the compounds' table does not hold (told apart by shape)": [
        ("حسن الدين زكري", "Hassan al-Din Zekri"),
        ("حسن الدين زكري", "Hassanuddin Zekri"),
        ("حسن الدين زكري", "Hasan Eddine Zekri"),
        ("معز الدين زكري", "Muizzuddin Zekri"),
        ("معز الدين زكري", "Moezeddine Zekri"),
        ("عين الدين زكري", "Ainuddin Zekri"),
        ("ولي الله زكري", "Waliullah Zekri"),
        ("جار الله زكري", "Jarallah Zekri"),
    ],
    "Fatima-Zahra, Moulay, Lalla, Sidi (Moroccan and Mauritanian registers)": [
        ("فاطمة زهراء المنصوري", "Fatim-Zahra Mansouri"),
        ("فاطمة زهراء المنصوري", "Fatim Ezzahra Mansouri"),
        ("فاطمة الزهراء المنصوري", "Fatima-Zahra Mansouri"),
        ("فاطمة الزهراء المنصوري", "Fatim-Zahra El Mansouri"),
        ("فاطمة الزهراء المنصوري", "Fatimzahra Mansouri"),
        ("فاطمة الزهراء المنصوري", "Fatima Ezzahra El Mansouri"),
        ("فاطمة الزهراء المنصوري", "Fatima Zohra Mansouri"),
        ("فاطمة الزهراء المنصوري", "Fatim Ezzahra Mansouri"),
        ("مولاي حفيظ العلمي", "Moulay Hafid Elalamy"),
        ("مولاي حفيظ العلمي", "Moulay-Hafid Elalamy"),
        ("للا سلمى بناني", "Lalla-Salma Bennani"),
        ("سيدي محمد ولد بوبكر", "Sidi-Mohamed Ould Boubacar"),
    ],
    "Gul and Jan compounds (Dari, Pashto, Central Asia), apart, hyphenated or glued": [
        ("گلبدین حکمتیار", "Gulbuddin Hekmatyar"),
        ("گلبدین حکمتیار", "Golbuddin Hekmatyar"),
        ("گلاب منگل", "Gulab Mangal"),
        ("گل آغا شیرزی", "Gul Agha Sherzai"),
        ("گل آغا شیرزی", "Gulagha Shirzai"),
        ("گلالۍ اسماعیل", "Gulalai Ismail"),
        ("گلالی اسماعیل", "Gulalay Ismail"),
        ("جان محمد خان", "Jan Mohammad Khan"),
        ("جان محمد خان", "Janmohammad Khan"),
        ("جان محمد خان", "Jaan Muhammad Khan"),
        ("گل احمد کریمی", "Gul Ahmad Karimi"),
        ("گل احمد کریمی", "Gulahmad Karimi"),
        ("گل احمد کریمی", "Gul-Ahmad Karimi"),
        ("گل احمد کریمی", "Gol Ahmad Karimi"),
        ("گل احمد کریمی", "Goul Ahmad Karimi"),
        ("گل‌احمد کریمی", "Gul Ahmad Karimi"),
        ("احمد جان کریمی", "Ahmad Jan Karimi"),
        ("احمد جان کریمی", "Ahmadjan Karimi"),
        ("احمد جان کریمی", "Ahmad Jaan Karimi"),
        ("احمد جان کریمی", "Ahmad Djan Karimi"),
        ("احمد جان کریمی", "Ahmadjon Karimi"),
        ("احمدجان کریمی", "Ahmad-Jan Karimi"),
        ("شاه گل کریمی", "Shah Gul Karimi"),
        ("شاه گل کریمی", "Shahgul Karimi"),
        ("نذیر جان کریمی", "Nazir Jan Karimi"),
        ("نذیر جان کریمی", "Nazirjan Karimi"),
        ("گل رحمت کریمی", "Gulrahmat Karimi"),
        ("گلنار کریمی", "Golnar Karimi"),
        ("جانان کریمی", "Janan Karimi"),
        ("غلام احمد کریمی", "Ghulam Ahmad Karimi"),
        ("غلام احمد کریمی", "Gulam Ahmad Karimi"),
        ("غلام سرور کریمی", "Gholam Sarwar Karimi"),
    ],
    "ق as g (Gulf, Sudan, Maghreb), غ as rh (French)": [
        ("معمر القذافي", "Muammar Gaddafi"),
        ("بلقاسم ساسي", "Belgacem Sassi"),
        ("قاسم الحربي", "Gassim Alharbi"),
        ("محمد قرفي", "Mohamed Guerfi"),
        ("عمر الغربي", "Omar Rharbi"),
    ],
}

NOT_THE_SAME = {
    "names of the root ح م د (brothers)": [
        ("محمود عباس", "Mohamed Abbas"),
        ("محمد عباس", "Mahmoud Abbas"),
        ("أحمد عباس", "Mohamed Abbas"),
        ("حامد عباس", "Ahmed Abbas"),
        ("محمود عباس", "Ahmed Abbas"),
        ("حمد عباس", "Ahmad Abbas"),
        ("أحمد عباس", "Hamid Abbas"),
        ("محمد عباس", "Hamid Abbas"),
    ],
    "Hassan / Hussein, Khaled / Khalil (brothers)": [
        ("حسن نصر الله", "Hussein Nasrallah"),
        ("حسين نصر الله", "Hassan Nasrallah"),
        ("خليل صالح", "Khaled Saleh"),
        ("خالد صالح", "Khalil Saleh"),
    ],
    "a final vowel: brother and sister": [
        ("سمير قصير", "Samira Kassir"),
        ("سميرة قصير", "Samir Kassir"),
        ("كريم بنزيمة", "Karima Benzema"),
        ("كريمة بنزيمة", "Karim Benzema"),
        ("جميلة صالح", "Jamil Saleh"),
        ("سعيد صالح", "Saida Saleh"),
        ("نبيل صالح", "Nabila Saleh"),
        ("عزيز أخنوش", "Aziza Akhannouch"),
    ],
    "Abd and another name of God (brothers)": [
        ("عبد الله صالح", "Abdelaziz Saleh"),
        ("عبد العزيز صالح", "Abdallah Saleh"),
        ("عبد الرحمن صالح", "Abdelrahim Saleh"),
        ("عبد الرحيم صالح", "Abderrahmane Saleh"),
        ("عبد الحميد صالح", "Abdelmajid Saleh"),
        ("عبد الله صالح", "Abdelkader Saleh"),
        ("عبد الكريم صالح", "Abdelhakim Saleh"),
    ],
    "father and son: Ali Ben Omar is not Omar Ben Ali": [
        ("عمر بن علي", "Ali Ben Omar"),
        ("علي بن عمر", "Omar Ben Ali"),
    ],
    "namesakes and brothers in the Gulf form": [
        ("محمد بن سلمان آل سعود", "Mohammed bin Nayef Al Saud"),
        ("محمد بن سلمان آل سعود", "Khalid bin Salman Al Saud"),
        ("تركي بن سلمان آل سعود", "Faisal bin Salman Al Saud"),
    ],
    "X al-Din: same tail, another head (brothers)": [
        ("نور الدين زكري", "Nasreddine Zekri"),
        ("نور الدين زكري", "Nasr al-Din Zekri"),
        ("نور الدين زكري", "Nacer Eddine Zekri"),
        ("نور الدين زكري", "Salah Eddine Zekri"),
        ("نور الدين زكري", "Alaeddine Zekri"),
        ("نور الدين زكري", "Kamel Eddine Zekri"),
        ("نور الدين زكري", "Zinedine Zekri"),
        ("نور الدين زكري", "Badreddine Zekri"),
        ("نصر الدين زكري", "Noureddine Zekri"),
        ("ناصر الدين زكري", "Noureddine Zekri"),
        ("صلاح الدين زكري", "Nour Eddine Zekri"),
        ("علاء الدين زكري", "Nour-Eddine Zekri"),
        ("كمال الدين زكري", "Nur al-Din Zekri"),
        ("عز الدين زكري", "Seifeddine Zekri"),
        ("جمال الدين زكري", "Kamal Eddine Zekri"),
        ("كمال الدين زكري", "Gamal Eddine Zekri"),
        ("بدر الدين زكري", "Nour Eddine Zekri"),
        ("خير الدين زكري", "Nacer Eddine Zekri"),
        ("سعد الدين العثماني", "Salah Eddine El Othmani"),
    ],
    "X-ullah and X ur-Rahman: same tail, another head (brothers)": [
        ("نصر الله زكري", "Nurullah Zekri"),
        ("نور الله زكري", "Nasrullah Zekri"),
        ("فتح الله زكري", "Fazlullah Zekri"),
        ("حمد الله زكري", "Rahmatullah Zekri"),
        ("ضياء الله زكري", "Hidayatullah Zekri"),
        ("امين الله زكري", "Amanullah Zekri"),
        ("عزيز الرحمن زكري", "Ziaur Rahman Zekri"),
        ("ضياء الرحمن زكري", "Azizur Rahman Zekri"),
        ("حفيظ الرحمن زكري", "Fazlur Rahman Zekri"),
        ("مطيع الرحمن زكري", "Atiqur Rahman Zekri"),
        ("سعيد الرحمن زكري", "Shafiqur Rahman Zekri"),
        ("عبد الله زكري", "Obaidullah Zekri"),
        ("عبيد الله زكري", "Abdullah Zekri"),
        ("عبد الرحمن زكري", "Azizur Rahman Zekri"),
        ("عزيز الرحمن زكري", "Abdur Rahman Zekri"),
        ("عبد الرحمن زكري", "Habibur Rahman Zekri"),
    ],
    "X al-Din outside the compounds' table: another head, or a related name (brothers)": [
        ("حسن الدين زكري", "Hosameddine Zekri"),
        ("حسن الدين زكري", "Hussamuddin Zekri"),
        ("حسن الدين زكري", "Husseineddine Zekri"),
        ("حسين الدين زكري", "Hassanuddin Zekri"),
    ],
    "Fatim is Fatima, not Faten": [
        ("فاتن المنصوري", "Fatim Mansouri"),
    ],
    "sisters Zohra and Fatima-Zohra; Qasim and Asim (ق read as a glottal stop)": [
        ("فاطمة الزهراء المنصوري", "Zahra Mansouri"),
        ("زهرة المنصوري", "Fatima Zohra Mansouri"),
        ("قاسم الحربي", "Assem Alharbi"),
        ("عاصم الحربي", "Gassim Alharbi"),
        ("عاصم الحربي", "Kassem Alharbi"),
    ],
    "Gul and Jan compounds: another name before or after the piece, Ghulam, Gulab, Janan": [
        ("غلام احمد کریمی", "Gul Ahmad Karimi"),
        ("غلام احمد کریمی", "Gulahmad Karimi"),
        ("گل احمد کریمی", "Ghulam Ahmad Karimi"),
        ("گل کریمی", "Ghulam Karimi"),
        ("گل کریمی", "Gulab Karimi"),
        ("گلاب کریمی", "Gul Karimi"),
        ("گل احمد کریمی", "Gulab Ahmad Karimi"),
        ("جان کریمی", "Janan Karimi"),
        ("جانان کریمی", "Jan Karimi"),
        ("گلنار کریمی", "Gulnaz Karimi"),
        ("گلالی کریمی", "Gul Karimi"),
        ("گل محمد کریمی", "Jan Mohammad Karimi"),
        ("جان محمد کریمی", "Gul Mohammad Karimi"),
        ("احمد جان کریمی", "Ahmad Gul Karimi"),
        ("نذیر جان کریمی", "Nazir Gul Karimi"),
        ("شاه گل کریمی", "Shah Jan Karimi"),
    ],
    "same given name, another family": [
        ("خالد صالح", "Khaled Salem"),
        ("طارق صالح", "Tarek Salem"),
        ("مريم صالح", "Maryam Salem"),
        ("أمل خالد", "Amel Khalil"),
    ],
}


def _cases(table: dict[str, list[tuple[str, str]]]) -> list[object]:
    return [
        pytest.param(arabic, latin, id=f"{convention}: {latin}")
        for convention, pairs in table.items()
        for arabic, latin in pairs
    ]


@pytest.mark.parametrize(("arabic", "latin"), _cases(SAME_PERSON))
def test_the_same_person_matches_whatever_the_convention(arabic: str, latin: str) -> None:
    found = similarity(arabic, latin)
    assert found.score >= MATCH, found.evidence()
    assert similarity(latin, arabic).score == pytest.approx(found.score)


@pytest.mark.parametrize(("arabic", "latin"), _cases(NOT_THE_SAME))
def test_relatives_and_namesakes_with_close_names_do_not_match(arabic: str, latin: str) -> None:
    assert similarity(arabic, latin).score < MATCH, similarity(arabic, latin).evidence()
    assert similarity(latin, arabic).score < MATCH


@pytest.mark.parametrize(
    ("written", "other", "same"),
    [
        ("Fatim-Zahra Mansouri", "Fatima Zahra Mansouri", True),
        ("Fatim Ezzahra Mansouri", "Fatima Zahra Mansouri", True),
        ("Fatim Mansouri", "Fatima Mansouri", True),
        ("Fatim Mansouri", "Fatin Mansouri", False),  # فاتن, another name
        ("Fatim-Zahra Mansouri", "Zahra Mansouri", False),  # her sister
        ("Karim Mansouri", "Karima Mansouri", False),  # only Fatim is read as its whole name
    ],
)
def test_fatim_is_fatima_in_latin_letters_too(written: str, other: str, same: bool) -> None:
    """Fatim (Fatim-Zahra in the Maghreb, Fatim in West Africa) is a short form of Fatima: read as
    it, against Latin spellings as against Arabic ones; no other name loses its final a."""
    assert (similarity(written, other).score >= MATCH) is same, similarity(written, other).evidence()


def test_the_index_finds_what_one_by_one_finds() -> None:
    """A check's contacts go through the index: it must find every convention's clone, and none of
    the relatives, as the one-by-one comparison does."""
    same = [pair for pairs in SAME_PERSON.values() for pair in pairs]
    others = [pair for pairs in NOT_THE_SAME.values() for pair in pairs]
    for constant_work in (False, True):
        index = NameIndex([(str(number), arabic) for number, (arabic, _) in enumerate(same + others)], constant_work)
        for number, (_, latin) in enumerate(same):
            assert str(number) in {match.key for match in index.search(latin, MATCH, limit=100)}, latin
        for number, (_, latin) in enumerate(others, start=len(same)):
            assert str(number) not in {match.key for match in index.search(latin, MATCH, limit=100)}, latin


@pytest.mark.parametrize("glue", ["Abdel", "Abdul", "Abd al-", "Abdal"])
def test_every_spelling_of_a_name_after_abd_is_read_as_that_name(glue: str) -> None:
    """The Abd table refuses a pair whose tails it reads as different names: each of its own
    spellings, however Abd is glued, must read as its own name (or the table would refuse it)."""
    for tail, spellings in DIVINE_NAMES.items():
        for spelling in spellings:
            part = normalise(f"{glue}{spelling} Saleh").primary.parts[0]
            assert tail in (divine_latin(part.text, part.key) or ()), (glue, spelling, part.key)


TAILS = {
    "دين": ["eddine", "uddin", " al-Din", " ad-Din", " Eddine", "-Eddine", "dine", "deen", "ettin"],
    "له": ["ullah", "ollah", "allah", " Allah", "-ullah", "ulla"],
    "رحمن": ["ur Rahman", " ur-Rahman", "urrahman", "ur Rehman", " al-Rahman", " ar-Rahman"],
}


@pytest.mark.parametrize(("tail", "written"), [(tail, written) for tail, forms in TAILS.items() for written in forms])
def test_every_spelling_of_a_head_before_its_tail_is_read_as_that_head(tail: str, written: str) -> None:
    """The compounds' table refuses a pair whose heads it reads as different: each of its own
    head spellings, however the tail is written (glued, apart, hyphenated, as the alignment joins
    two Latin parts), must read as its own head and no other (or the table would refuse it)."""
    for head, spellings in COMPOUND_HEADS_LATIN.items():
        for spelling in spellings:
            parts = normalise(f"{spelling}{written} Zekri").primary.parts
            unit = "".join(part.text for part in parts[:-1])
            assert compound_heads_latin(unit) == (tail, frozenset({head})), (spelling, written, unit)
    assert set(COMPOUND_HEADS_ARABIC.values()) == set(COMPOUND_HEADS_LATIN)


@pytest.mark.parametrize(
    ("arabic", "latin", "allowed"),
    [
        (["غل", "احمد"], "gulahmad", True),  # گل احمد against Gul Ahmad written as one
        (["غلاحمد"], "gulahmad", True),
        (["غلام"], "gulahmad", False),  # Ghulam is not Gul Ahmad: غل + ام against gul + ahmad
        (["غلام", "احمد"], "gulahmad", False),  # nor is Ghulam Ahmad: ام + احمد leaves m m t
        (["غلام"], "ghulam", True),
        (["غلام"], "gulam", True),
        (["غل"], "ghulam", False),
        (["غل"], "gulab", False),
        (["غلاب"], "gul", False),
        (["غلاب"], "gulab", True),
        (["جان"], "janan", False),
        (["جانان"], "jan", False),
        (["جان"], "jaan", True),
        (["جاني"], "jannie", True),  # a doubled n after the piece
        (["جانيس"], "janice", True),  # c before i is s
        (["احمد", "جان"], "ahmadjon", True),
        (["احمدجان"], "ahmadgul", True),  # no piece read on both sides: the model decides
        (["شاه", "غل"], "shahgol", True),
        (["مغول"], "mongol", True),  # ends with ول, not with گل: no opinion
        (["غلرحمة"], "gulrahmat", True),  # a final ة written t
        (["نور|دين"], "gulddin", True),  # an article-bearing compound: the compounds' table decides
    ],
)
def test_gul_and_jan_compounds_by_shape(arabic: list[str], latin: str, allowed: bool) -> None:
    """Where both sides start (or end) with گل or جان, what is left must have the same consonants."""
    from heuristics.names.closed import persian_compounds_allow

    assert persian_compounds_allow(arabic, latin) is allowed


@pytest.mark.parametrize(
    ("written", "other"),
    [
        ("Ahmad Dzhan Karimi", "Ahmadjan Karimi"),
        ("Dzhamal Karimi", "Jamal Karimi"),
        ("Dzhokhar Karimi", "Djokhar Karimi"),
    ],
)
def test_russian_style_dzh_is_j_in_latin_letters(written: str, other: str) -> None:
    """Names written from Cyrillic (Дж as dzh: Central Asia, the Caucasus) against j and dj."""
    assert similarity(written, other).score >= MATCH, similarity(written, other).evidence()
