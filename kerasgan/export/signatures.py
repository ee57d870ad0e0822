"""The exported functions of each generator kind, shared by the SavedModel and ONNX exports.

Every function takes and returns float32 / int / string tensors with a
dynamic batch dimension; images cross the boundary in [0, 1] and are scaled
to the generator's [-1, 1] inside. Output range: exported and ONNX
``images`` are in [0, 1] (``(x + 1) / 2`` of the generator's output), PNG
bytes in 0..255, while the Python ``model.generate`` / ``model.translate``
and ``model(z)`` return the generator's raw [-1, 1]; ``points`` are raw
coordinates in both. Names (inputs ``z``, ``label``, ``seed``,
``category``, ``image``, ``image_bytes``; outputs ``images``,
``images_bytes``, ``points``, ``z``) are part of the serving contract.
Families with an encoder (``model.serving_encoder()``) add
``encode(image) -> z``. Classifier families (kind ``"classifier"``, DANN)
serve ``serving_default(image) -> probabilities`` and
``classify(image) -> probabilities, labels``.
"""

from __future__ import annotations

from kerasgan.export.generators import seed_latents_tf

__all__ = ["Endpoint", "core_endpoint", "encode_endpoint", "run_encoder", "run_generator",
           "serving_endpoints"]


class Endpoint:
    """A named function with its input specs (positional, named like the inputs)."""

    def __init__(self, name, fn, specs):
        self.name = name
        self.fn = fn
        self.specs = list(specs)

    @property
    def input_names(self):
        """Names of the inputs, in order."""
        return [spec.name for spec in self.specs]


def _spec(shape, dtype, name):
    import tensorflow as tf

    return tf.TensorSpec(shape, dtype, name=name)


def run_generator(info, network, main, label=None):
    """Runs ``network`` on its main input (``z`` or an image in [-1, 1]) and a label.

    Returns the raw float32 output (images in [-1, 1], or points); the
    endpoints map images to [0, 1] before returning them.
    """
    import tensorflow as tf

    if info.kind == "labels":
        out = network({"z": main, "label": label}, training=False)
    elif info.kind == "translation_domain":
        out = network({"image": main, "domain": label}, training=False)
    elif info.kind == "classifier":
        return tf.nn.softmax(tf.cast(network(main, training=False), tf.float32), axis=-1)
    else:
        out = network(main, training=False)
    return tf.cast(out, tf.float32)


def run_encoder(info, network, image):
    """The float32 latents of ``network`` (an encoder) for images in [0, 1]."""
    import tensorflow as tf

    out = network(image * 2.0 - 1.0, training=False)
    if info.encoder_output is not None:
        out = out[info.encoder_output]
    return tf.cast(out, tf.float32)


def encode_endpoint(info, encoder):
    """``encode``: ``image`` in [0, 1] -> ``z``, the latents of the family's encoder.

    Also the ONNX graph of ``export_onnx(..., encoder=True)``.
    """
    import tensorflow as tf

    def encode(image):
        return {"z": run_encoder(info, encoder, image)}

    return Endpoint("encode", encode, [_spec((None, *info.input_shape), tf.float32, "image")])


def _to_output(info, raw):
    return (raw + 1.0) / 2.0 if info.is_image else raw


def _checked_label(label, count, what):
    """``label`` with a run-time range check (a clear error rather than a gather failure)."""
    import tensorflow as tf

    message = f"{what} must be in [0, {count})"
    checks = [
        tf.debugging.assert_greater_equal(label, tf.constant(0, label.dtype), message=message),
        tf.debugging.assert_less(label, tf.constant(count, label.dtype), message=message),
    ]
    with tf.control_dependencies(checks):
        return tf.identity(label)


def _encode_png(images):
    import tensorflow as tf

    pixels = tf.cast(tf.round(tf.clip_by_value(images, 0.0, 1.0) * 255.0), tf.uint8)
    return tf.map_fn(tf.io.encode_png, pixels, fn_output_signature=tf.TensorSpec((), tf.string))


def _decode_images(info, image_bytes):
    import tensorflow as tf

    height, width, channels = info.input_shape

    def decode(data):
        image = tf.io.decode_image(data, channels=channels, dtype=tf.float32, expand_animations=False)
        image = tf.image.resize(image, (height, width))
        return tf.ensure_shape(image, (height, width, channels))

    return tf.map_fn(
        decode, image_bytes, fn_output_signature=tf.TensorSpec((height, width, channels), tf.float32)
    )


def core_endpoint(info, network, checks=True):
    """``serving_default``: ``z`` (+ ``label``) or ``image`` (+ ``label``) -> images / points.

    Input images are in [0, 1]; output ``images`` are in [0, 1] (the
    generator's [-1, 1] shifted and halved), ``points`` raw coordinates.

    This is also the ONNX graph (built with ``checks=False``: no asserts, no
    random ops), so both exports share one definition.
    """
    import tensorflow as tf

    translation = info.takes_image
    main_spec = (
        _spec((None, *info.input_shape), tf.float32, "image")
        if translation
        else _spec((None, info.latent_dim), tf.float32, "z")
    )
    specs = [main_spec]
    if info.conditioned:
        specs.append(_spec((None,), tf.int32, "label"))
    key = info.output_key

    def prepare(main, label):
        if translation:
            main = main * 2.0 - 1.0
        if label is not None and checks:
            label = _checked_label(label, info.num_classes, "label")
        return main, label

    if info.conditioned:
        if translation:

            def serve(image, label):
                x, y = prepare(image, label)
                return {key: _to_output(info, run_generator(info, network, x, y))}

        else:

            def serve(z, label):
                x, y = prepare(z, label)
                return {key: _to_output(info, run_generator(info, network, x, y))}

    elif translation:

        def serve(image):
            x, _ = prepare(image, None)
            return {key: _to_output(info, run_generator(info, network, x))}

    else:

        def serve(z):
            x, _ = prepare(z, None)
            return {key: _to_output(info, run_generator(info, network, x))}

    return Endpoint("serving_default", serve, specs)


def _generate_endpoint(info, network):
    import tensorflow as tf

    key = info.output_key

    def outputs(z, label=None):
        out = {key: _to_output(info, run_generator(info, network, z, label))}
        if info.is_image:
            out["images_bytes"] = _encode_png(out[key])
        return out

    seed_spec = _spec((None,), tf.int64, "seed")
    if info.kind == "labels":

        def generate(seed, label):
            label = _checked_label(label, info.num_classes, "label")
            return outputs(seed_latents_tf(info, seed), label)

        return Endpoint("generate", generate, [seed_spec, _spec((None,), tf.int32, "label")])
    if info.kind == "categories":

        def generate(seed, category):
            category = _checked_label(category, info.num_classes, "category")
            return outputs(seed_latents_tf(info, seed, category))

        return Endpoint("generate", generate, [seed_spec, _spec((None,), tf.int32, "category")])

    def generate(seed):
        return outputs(seed_latents_tf(info, seed))

    return Endpoint("generate", generate, [seed_spec])


def _bytes_endpoint(info, network):
    import tensorflow as tf

    def translate(images, label=None):
        x = images * 2.0 - 1.0
        if label is not None:
            label = _checked_label(label, info.num_classes, "label")
        return {"images_bytes": _encode_png(_to_output(info, run_generator(info, network, x, label)))}

    bytes_spec = _spec((None,), tf.string, "image_bytes")
    if info.conditioned:

        def translate_bytes(image_bytes, label):
            return translate(_decode_images(info, image_bytes), label)

        return Endpoint("translate_bytes", translate_bytes, [bytes_spec, _spec((None,), tf.int32, "label")])

    def translate_bytes(image_bytes):
        return translate(_decode_images(info, image_bytes))

    return Endpoint("translate_bytes", translate_bytes, [bytes_spec])


def _classify_endpoint(info, network):
    """``classify``: ``image`` in [0, 1] -> class ``probabilities`` and int64 ``labels``."""
    import tensorflow as tf

    def classify(image):
        probabilities = run_generator(info, network, image * 2.0 - 1.0)
        return {"probabilities": probabilities, "labels": tf.argmax(probabilities, axis=-1)}

    return Endpoint("classify", classify, [_spec((None, *info.input_shape), tf.float32, "image")])


def serving_endpoints(info, network, extras=(), encoder=None):
    """All SavedModel endpoints of a generator, ``serving_default`` first.

    Args:
        info: :class:`~kerasgan.export.generators.GeneratorInfo`.
        network: the (float32) generator network to run.
        extras: ``(info, network)`` of the family's further generators
            (CycleGAN's B->A), each exported as ``translate_DIRECTION``.
        encoder: the (float32) encoder network of a family that has one:
            adds ``encode(image) -> z`` (images in [0, 1]).

    Returns:
        list of :class:`Endpoint`.
    """
    endpoints = [core_endpoint(info, network)]
    if info.kind == "classifier":
        endpoints.append(_classify_endpoint(info, network))
    elif info.kind.startswith("translation"):
        endpoints.append(_bytes_endpoint(info, network))
        for extra_info, extra_network in extras:
            other = core_endpoint(extra_info, extra_network)
            endpoints.append(Endpoint(f"translate_{extra_info.direction}", other.fn, other.specs))
    else:
        endpoints.append(_generate_endpoint(info, network))
    if encoder is not None:
        endpoints.append(encode_endpoint(info, encoder))
    return endpoints
