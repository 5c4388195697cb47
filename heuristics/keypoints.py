"""Local keypoints of a picture and the geometric check that says "this is a copy of that".

Two portraits of different people photographed the same way share their coarse layout, which is
all a perceptual hash sees. A copy shares much more: its corners and blobs, each with the same
neighbourhood, all in place under one transform (the resize, crop and shift of a re-upload). So
a stored picture keeps its ORB keypoints (OpenCV's oriented FAST corners with rotated BRIEF
descriptors, :data:`STORED_KEYPOINTS` of them, a few kilobytes), and a checked picture is a copy
when enough of its own keypoints match them under one transform of plausible scale, stretch and
rotation (RANSAC): a re-upload is resized, cropped, shifted, sometimes squeezed to a square,
hardly ever turned. :func:`align` gives two hypotheses: a similarity (``estimateAffinePartial2D``,
four degrees of freedom: the most precise when it holds) and a full affine transform
(``estimateAffine2D``: squeezed copies). ORB descriptors are not
mirror-invariant: a mirrored copy is checked with the keypoints of the mirrored picture.

Keypoints are taken on the picture a fingerprint hashes (borders trimmed, luma, the working
scale), resized so its longer side is :data:`FRAME_SIDE` pixels: the *frame* all coordinates
here are in. The transform found says exactly where the stored picture lies in the checked one;
:mod:`heuristics.matching` takes the checked picture's detail hash there.

Beside its keypoints a stored picture keeps the *fine hash* of its detail region
(:func:`heuristics.phash.reference_fine`): once the keypoints place that region exactly in a
checked picture, its edges and texture must agree there too.

Keypoints are derived from the photo, never the photo: 32-byte descriptors of small patches at up
to :data:`STORED_KEYPOINTS` places, and 256 signs of fine DCT coefficients (docs/privacy.md).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

# Each check runs in one request thread of a gunicorn worker; OpenCV's own thread pool would
# only compete with the other workers for the same cores.
cv2.setNumThreads(1)

FRAME_SIDE: Final = 256
# What a stored picture keeps (bounded: 6 + 36 bytes each) and what a checked picture finds
# (not stored; more of them give a stored keypoint more chances to find its twin).
STORED_KEYPOINTS: Final = 160
QUERY_KEYPOINTS: Final = 400
# Nearest descriptor clearly better than the second (Lowe's ratio test).
RATIO: Final = 0.8
# RANSAC: a keypoint agrees with a transform when it lands within this many frame pixels.
REPROJECTION_PIXELS: Final = 3.0
# A plausible re-upload: each axis scaled by at most 2 either way, one axis stretched against
# the other by at most 1.6 (a 3:2 picture squeezed to a square), turned by at most 10 degrees.
MAX_SCALE: Final = 2.0
MAX_STRETCH: Final = 1.6
MAX_ROTATION_DEGREES: Final = 10.0
# Straightening (:func:`straighten`): a checked picture is warped into the stored picture's frame
# only under a transform close to a turned re-upload — axes stretched against each other by at
# most 1.25 (a 10% stretch is 1.1), skewed from square by at most 10 degrees — and only when it
# turns or skews the stored picture by at least 1 degree (otherwise the upright box the
# transform gives is already the place; a warp would only be a second try for a look-alike).
# The stored picture's detail region must lie at least 90% inside the checked picture: a warp
# never invents the pixels it compares.
MAX_STRAIGHTENED_STRETCH: Final = 1.25
MAX_STRAIGHTENED_SKEW_DEGREES: Final = 10.0
MIN_STRAIGHTENED_DEGREES: Final = 1.0
MIN_STRAIGHTENED_OVERLAP: Final = 0.9
_FORMAT: Final = 1
_HEADER: Final = struct.Struct(">BHHH")  # format, frame width, frame height, count
_POINT_UNITS: Final = 64  # coordinates stored in 1/64 pixel (uint16: frames up to 1023 px)
_DESCRIPTOR_BYTES: Final = 32
_FINE_BYTES: Final = 128  # 32×32 bits: the fine hash's signs, then its mask
MAX_STORED_BYTES: Final = _HEADER.size + STORED_KEYPOINTS * (4 + _DESCRIPTOR_BYTES) + 2 * _FINE_BYTES

UInt8Array = npt.NDArray[np.uint8]
FloatArray = npt.NDArray[np.float32]


def _detector(count: int) -> cv2.ORB:
    # Small pictures: patches of 19 px and an edge margin of 12 (OpenCV's 31/31 would leave only
    # the middle of a 256 px frame), a low FAST threshold for soft, blurred portraits.
    return cv2.ORB_create(nfeatures=count, scaleFactor=1.2, nlevels=6, edgeThreshold=12, patchSize=19, fastThreshold=8)


@dataclass(frozen=True, slots=True)
class Keypoints:
    """Keypoint positions (n, 2) in frame pixels and their ORB descriptors (n, 32); for a stored
    picture, the fine hash (signs, mask) of its detail region."""

    points: FloatArray
    descriptors: UInt8Array
    size: tuple[int, int]  # frame width, height
    fine: tuple[int, int] = (0, 0)

    def __len__(self) -> int:
        return len(self.points)

    def to_bytes(self) -> bytes:
        points = np.round(self.points * _POINT_UNITS).astype(">u2")
        fine = b"".join(value.to_bytes(_FINE_BYTES, "big") for value in self.fine)
        return _HEADER.pack(_FORMAT, *self.size, len(self)) + points.tobytes() + self.descriptors.tobytes() + fine

    @classmethod
    def from_bytes(cls, raw: bytes) -> Keypoints:
        """Parse :meth:`to_bytes`; ValueError for anything else (or more than stored pictures keep)."""
        if len(raw) < _HEADER.size:
            raise ValueError("keypoints too short")
        version, width, height, count = _HEADER.unpack_from(raw)
        if version != _FORMAT or count > STORED_KEYPOINTS or not 0 < width <= 1023 or not 0 < height <= 1023:
            raise ValueError("not keypoints of a known format")
        if len(raw) != _HEADER.size + count * (4 + _DESCRIPTOR_BYTES) + 2 * _FINE_BYTES:
            raise ValueError("keypoints have the wrong length")
        body = raw[_HEADER.size : len(raw) - 2 * _FINE_BYTES]
        points = np.frombuffer(body[: 4 * count], dtype=">u2").reshape(count, 2).astype(np.float32) / _POINT_UNITS
        descriptors = np.frombuffer(body[4 * count :], dtype=np.uint8).reshape(count, _DESCRIPTOR_BYTES).copy()
        fine = raw[len(raw) - 2 * _FINE_BYTES :]
        signs, mask = (int.from_bytes(fine[i : i + _FINE_BYTES], "big") for i in (0, _FINE_BYTES))
        return cls(points, descriptors, (width, height), (signs, mask))


def frame(picture: npt.NDArray[np.float64], box: tuple[float, float, float, float]) -> tuple[UInt8Array, float]:
    """The ``box`` (pixels) of a grey picture as 8-bit pixels with the longer side FRAME_SIDE,
    and the scale from picture pixels to frame pixels."""
    left, top, right, bottom = (round(v) for v in box)
    region = np.clip(picture[top:bottom, left:right], 0, 255).astype(np.uint8)
    scale = FRAME_SIDE / max(region.shape)
    size = (max(1, round(region.shape[1] * scale)), max(1, round(region.shape[0] * scale)))
    return cv2.resize(region, size, interpolation=cv2.INTER_LINEAR), scale


def detect(image: UInt8Array, count: int) -> Keypoints:
    """At most ``count`` ORB keypoints of a frame, strongest first."""
    # A frame one pixel thin (a picture about 170 times longer than wide, frame() gives it
    # FRAME_SIDE × 1) has none, and OpenCV's pyramid raised on it: a check of a protected
    # person's public photo squashed to 4096×16 was a 500 (tests/security/test_redteam_check.py).
    if min(image.shape[:2]) < 2:
        return Keypoints(np.zeros((0, 2), np.float32), np.zeros((0, _DESCRIPTOR_BYTES), np.uint8), image.shape[1::-1])
    found, descriptors = _detector(count).detectAndCompute(image, None)
    if descriptors is None:
        return Keypoints(np.zeros((0, 2), np.float32), np.zeros((0, _DESCRIPTOR_BYTES), np.uint8), image.shape[::-1])
    points = np.array([k.pt for k in found], dtype=np.float32).reshape(-1, 2)
    return Keypoints(points, descriptors, (image.shape[1], image.shape[0]))


@dataclass(frozen=True, slots=True)
class Alignment:
    """An affine transform from the stored frame to the checked frame, and its support."""

    matrix: npt.NDArray[np.float64]  # 2×3
    inliers: int

    def apply(self, points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return points @ self.matrix[:, :2].T + self.matrix[:, 2]


def align(query: Keypoints, stored: Keypoints, min_inliers: int = 3) -> list[Alignment]:
    """The transforms most of the stored keypoints agree on, with how many do: a similarity, then
    a full affine transform, each kept only when it is a plausible re-upload. Empty when fewer
    than ``min_inliers`` descriptors match (no transform could then gather that many)."""
    if len(query) < 2 or len(stored) < 2:
        return []
    queried, nearest = _matches(query.descriptors, stored.descriptors)
    if len(queried) < max(3, min_inliers):
        return []  # no transform can gather more keypoints than matched
    source = stored.points[nearest]
    target = query.points[queried]
    found = []
    for estimate in (cv2.estimateAffinePartial2D, cv2.estimateAffine2D):
        matrix, inliers = estimate(
            source, target, method=cv2.RANSAC, ransacReprojThreshold=REPROJECTION_PIXELS, maxIters=1000, confidence=0.99
        )
        if matrix is not None and np.isfinite(matrix).all() and plausible(matrix[:, :2]):
            found.append(Alignment(matrix.astype(np.float64), int(inliers.sum())))
    return found


def _matches(query: UInt8Array, stored: UInt8Array) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """(query rows, their stored rows) of the descriptors whose nearest stored descriptor (Hamming
    distance) is clearly nearer than the second nearest (Lowe's ratio test); ``cv2.batchDistance``
    gives both nearest at once, without a Python object per match as ``BFMatcher.knnMatch``."""
    distances, nearest = cv2.batchDistance(query, stored, cv2.CV_32S, normType=cv2.NORM_HAMMING, K=2)
    keep = np.flatnonzero(distances[:, 0] < RATIO * distances[:, 1])
    return keep, nearest[keep, 0].astype(np.intp)


def votes(query: Keypoints, descriptors: UInt8Array, owners: npt.NDArray[np.intp], count: int) -> npt.NDArray[np.intp]:
    """How many of ``query``'s keypoints vote for each of ``count`` stored pictures whose
    descriptors are stacked in ``descriptors`` (row i belongs to picture ``owners[i]``): a
    keypoint votes for the picture holding its nearest stored descriptor when that one passes
    the ratio test against the whole stack. One brute-force pass (:func:`_matches`) ranks many
    stored pictures at the cost of ~¼ of one geometric check each, before RANSAC runs on the few
    with the most votes (image retrieval's usual shortlist)."""
    if len(query) == 0 or len(descriptors) < 2:
        return np.zeros(count, np.intp)
    _, nearest = _matches(query.descriptors, descriptors)
    return np.bincount(owners[nearest], minlength=count).astype(np.intp)


def plausible(linear: npt.NDArray[np.float64]) -> bool:
    """Whether the linear part of a transform is a re-upload's: no mirror (checked separately),
    axis scales and stretch within bounds, little rotation."""
    if np.linalg.det(linear) <= 0:
        return False
    scales = np.linalg.svd(linear, compute_uv=False)  # largest first
    rotation = abs(float(np.degrees(np.arctan2(linear[1, 0] - linear[0, 1], linear[0, 0] + linear[1, 1]))))
    return (
        bool(scales[0] <= MAX_SCALE and scales[1] >= 1 / MAX_SCALE and scales[0] / scales[1] <= MAX_STRETCH)
        and rotation <= MAX_ROTATION_DEGREES
    )


def _axis_angles(linear: npt.NDArray[np.float64]) -> tuple[float, float]:
    """How far (degrees) a linear map turns the x axis and the y axis from where they were."""
    x_axis = float(np.degrees(np.arctan2(linear[1, 0], linear[0, 0])))
    y_axis = float(np.degrees(np.arctan2(-linear[0, 1], linear[1, 1])))
    return x_axis, y_axis


def straightenable(matrix: npt.NDArray[np.float64], region: npt.NDArray[np.float64], size: tuple[int, int]) -> bool:
    """Whether a checked picture may be warped back through ``matrix`` (stored frame → checked
    frame, 2×3) to compare the stored ``region`` (its four corners in the stored frame): a
    plausible re-upload (:func:`plausible`: no mirror, bounded scale), turned or skewed enough
    that the upright box misses the region, neither stretched nor skewed much, and the region
    mapped at least :data:`MIN_STRAIGHTENED_OVERLAP` inside the checked frame of ``size``."""
    linear = matrix[:, :2]
    if not (np.isfinite(matrix).all() and plausible(linear)):
        return False
    scales = np.linalg.svd(linear, compute_uv=False)
    x_axis, y_axis = _axis_angles(linear)
    skew = abs(x_axis - y_axis)
    if scales[0] / scales[1] > MAX_STRAIGHTENED_STRETCH or skew > MAX_STRAIGHTENED_SKEW_DEGREES:
        return False
    if max(abs(x_axis), abs(y_axis)) < MIN_STRAIGHTENED_DEGREES:
        return False
    mapped = (region @ linear.T + matrix[:, 2]).astype(np.float32)
    hull = cv2.convexHull(mapped)
    area = cv2.contourArea(hull)
    width, height = size
    inside = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    overlap, _ = cv2.intersectConvexConvex(hull, inside)
    return bool(area > 0 and overlap >= MIN_STRAIGHTENED_OVERLAP * area)


def straighten(image: UInt8Array, matrix: npt.NDArray[np.float64], size: tuple[int, int]) -> UInt8Array:
    """The checked frame ``image`` seen through ``matrix`` (stored frame → checked frame): a
    picture of the stored frame's ``size`` whose pixel (x, y) is the checked picture's at
    ``matrix · (x, y, 1)`` (OpenCV's ``warpAffine`` with the inverse-map flag, bilinear; edges
    repeated, which :func:`straightenable` keeps out of the compared region)."""
    return cv2.warpAffine(
        np.ascontiguousarray(image),
        np.asarray(matrix, dtype=np.float64),
        size,
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )


__all__ = [
    "FRAME_SIDE",
    "Alignment",
    "Keypoints",
    "align",
    "detect",
    "frame",
    "straighten",
    "straightenable",
    "votes",
]
