"""What the REST and gRPC clients share: argument checks, request building and the GAN helpers.

Every method that talks to a model picks its version with the keyword-only
``version=`` (a number) or ``version_label=`` (a name from ``models.config``'s
``version_labels``, TF Serving's ``ModelSpec.version_label``); by default the
latest version answers. Model inputs have their own names: ``labels=``
(class-conditional models), ``categories=`` (a categorical latent code) and
``domains=`` (the target domains of multi-domain translators).
"""

from __future__ import annotations

import io

import numpy as np

from kerasgan.serving.errors import ServingError

#: The output of the ``generate`` signature that holds the samples, by kind of model.
SAMPLE_OUTPUTS = ("images", "points")
#: ``translate(direction=...)``: the signature that runs each CycleGAN direction.
DIRECTIONS = {"ab": "serving_default", "ba": "translate_ba"}


def as_inputs(inputs):
    """Dict of array-likes -> dict of numpy arrays (bytes/str lists become object arrays)."""
    if not isinstance(inputs, dict) or not inputs:
        raise ValueError("inputs must be a non-empty dict of input name -> array")
    result = {}
    for name, value in inputs.items():
        if isinstance(value, (bytes, str)):
            value = [value]
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], (bytes, str)):
            array = np.empty(len(value), dtype=object)
            array[:] = [v.encode() if isinstance(v, str) else v for v in value]
            result[name] = array
        else:
            result[name] = np.asarray(value)
    return result


def per_row(values, count, what):
    """``values`` (one int, or one per row) as int32 [count]; ValueError if they do not fit."""
    array = np.asarray(values)
    if array.dtype.kind not in "iu":
        raise ValueError(f"{what} must be integers, got {values!r}")
    if array.ndim > 1 or (array.ndim == 1 and array.shape[0] not in (1, count)):
        raise ValueError(f"give one {what} value or one per input ({count}), got shape {array.shape}")
    return np.broadcast_to(array.astype(np.int32), (count,)).copy()


def check_route(version, version_label):
    """ValueError unless at most one of ``version`` / ``version_label`` is given."""
    if version is not None and version_label is not None:
        raise ValueError("give version= or version_label=, not both")


class ModelClient:
    """What both protocol clients share: the GAN helpers built on :meth:`predict`.

    Subclasses implement :meth:`predict` (and ``status`` / ``metadata``) for one protocol.
    """

    model: str

    def predict(self, inputs, signature="serving_default", *, version=None, version_label=None,
                **kwargs):
        """Runs a signature; output name -> numpy array (implemented per protocol)."""
        raise NotImplementedError

    def _generate_outputs(self, seeds, labels, categories, version, version_label):
        if labels is not None and categories is not None:
            raise ValueError("give labels= (class labels) or categories= (a categorical code), "
                             "not both")
        seeds = np.atleast_1d(np.asarray(seeds, dtype=np.int64))
        if seeds.ndim != 1:
            raise ValueError(f"seeds must be an int or a flat sequence of ints, got shape {seeds.shape}")
        inputs = {"seed": seeds}
        if labels is not None:
            inputs["label"] = per_row(labels, len(seeds), "labels")
        if categories is not None:
            inputs["category"] = per_row(categories, len(seeds), "categories")
        return self.predict(inputs, "generate", version=version, version_label=version_label)

    def generate(self, seeds, labels=None, categories=None, *, version=None, version_label=None):
        """Samples of the ``generate`` signature: one per seed (same seed, same sample).

        Args:
            seeds: an int or a sequence of ints.
            labels: class labels of CGAN/ACGAN models: one int, or one per seed.
            categories: InfoGAN's categorical code: one int, or one per seed.
            version: model version number to ask (default: the latest).
            version_label: or a version label of ``models.config`` (``"stable"``).

        Returns:
            float32 array: images [N, H, W, C] in [0, 1], or points [N, D] for
            models of 2-D points (whichever the signature outputs).

        Example:
            >>> client.generate([0, 1, 2], labels=7)              # cgan: three 7s
            >>> client.generate([0, 0], categories=[2, 5])        # infogan: same noise, 2 codes
        """
        outputs = self._generate_outputs(seeds, labels, categories, version, version_label)
        for key in SAMPLE_OUTPUTS:
            if key in outputs:
                return outputs[key]
        raise ServingError(
            400, f"model {self.model}: 'generate' returned {sorted(outputs)}, "
            f"none of {list(SAMPLE_OUTPUTS)}; is it a kerasgan export?")

    def generate_pil(self, seeds, labels=None, categories=None, *, version=None,
                     version_label=None):
        """Like :meth:`generate` but returns ``PIL.Image`` objects decoded from ``images_bytes``.

        Raises:
            ValueError: the model generates points, not images.
        """
        from PIL import Image

        outputs = self._generate_outputs(seeds, labels, categories, version, version_label)
        if "images_bytes" not in outputs:
            what = "2-D points" if "points" in outputs else f"{sorted(outputs)}"
            raise ValueError(
                f"model {self.model} generates {what}, not images; use generate() for the arrays")
        return [Image.open(io.BytesIO(png)) for png in outputs["images_bytes"]]

    def translate(self, images, domains=None, *, direction=None, version=None,
                  version_label=None):
        """Translates images with an image-to-image model (pix2pix, CycleGAN, StarGAN).

        Args:
            images: float array [N, H, W, C] in [0, 1] (``serving_default``), or a
                list of encoded image bytes (PNG/JPEG/...; ``translate_bytes``
                signature, which resizes them to the model's size).
            domains: StarGAN's target domain: one int, or one per image.
            direction: CycleGAN: ``"ab"`` (default) or ``"ba"`` (the
                ``translate_ba`` signature; array inputs only).
            version, version_label: which model version (default: the latest).

        Returns:
            float32 array [N, H, W, C] in [0, 1], or a list of PNG bytes for byte inputs.

        Example:
            >>> client.translate(images, domains=2)               # stargan: all to domain 2
            >>> client.translate([open("a.png", "rb").read()])    # pix2pix: [PNG bytes]
            >>> client.translate(images, direction="ba")          # cyclegan B -> A
        """
        if direction not in (None, *DIRECTIONS):
            raise ValueError(f"direction must be 'ab' or 'ba', got {direction!r}")
        encoded = isinstance(images, (list, tuple)) and bool(images) and isinstance(images[0], bytes)
        if encoded:
            if direction == "ba":
                raise ValueError("direction='ba' takes arrays: the export has no bytes "
                                 "signature for B -> A (translate_ba takes images in [0, 1])")
            inputs, signature = {"image_bytes": list(images)}, "translate_bytes"
        else:
            inputs = {"image": np.asarray(images, dtype=np.float32)}
            if inputs["image"].ndim != 4:
                raise ValueError(f"images must be [N, H, W, C] in [0, 1] or a list of encoded "
                                 f"image bytes, got shape {inputs['image'].shape}")
            signature = DIRECTIONS[direction or "ab"]
        if domains is not None:
            inputs["label"] = per_row(domains, len(images), "domains")
        result = self.predict(inputs, signature, version=version, version_label=version_label)
        return list(result["images_bytes"]) if encoded else result["images"]


_DTYPES = {"FLOAT": "float32", "DOUBLE": "float64", "HALF": "float16", "BFLOAT16": "bfloat16"}


def simplify_signature(signature):
    """A SignatureDef in JSON form as ``{"inputs", "outputs", "method_name"}`` with short dtypes."""
    def tensors(infos):
        result = {}
        for name, info in infos.items():
            shape = info.get("tensor_shape", {})
            dims = None if shape.get("unknown_rank") else [
                int(d.get("size", 0)) for d in shape.get("dim", [])
            ]
            dtype = info.get("dtype", "DT_INVALID")
            short = dtype.removeprefix("DT_")
            result[name] = {"dtype": _DTYPES.get(short, short.lower()), "shape": dims}
        return result

    return {
        "inputs": tensors(signature.get("inputs", {})),
        "outputs": tensors(signature.get("outputs", {})),
        "method_name": signature.get("method_name", ""),
    }
