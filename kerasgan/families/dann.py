"""Domain-adversarial training, DANN (Ganin et al. 2016)."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from kerasgan.core.adversarial import AdversarialModel
from kerasgan.core.conditioning import batched_numpy, class_cross_entropy
from kerasgan.core.contract import SamplePicture
from kerasgan.core.reduction import num_replicas, replica_mean
from kerasgan.families import register
from kerasgan.layers.gradient_reversal import GradientReversal, reversal_schedule


def _domain_cross_entropy(domain, logits):
    """Per-sample sigmoid cross-entropy of domain logits against a constant domain (0 or 1)."""
    logits = ops.reshape(ops.cast(logits, "float32"), (-1,))
    return ops.binary_crossentropy(ops.full_like(logits, float(domain)), logits, from_logits=True)


def _planned_steps(x, kwargs):
    """Steps ``fit`` will run: ``epochs`` times the steps per epoch (``None`` when unknown)."""
    epochs = int(kwargs.get("epochs", 1))
    steps = kwargs.get("steps_per_epoch")
    if steps is None and hasattr(x, "cardinality"):
        n = int(x.cardinality())
        steps = n if n > 0 else None
    return None if steps is None else epochs * int(steps)


def dann_networks(shape, num_classes, filters=(32, 48), units=100, domain_units=(100,)):
    """The networks of Ganin et al.'s digits experiments, sized for ``shape``.

    Features: two 5x5 convolutions (``filters``) with ReLU and 2x2 max
    pooling, flattened; label classifier: two ReLU layers of ``units`` and
    the class logits; domain discriminator: one ReLU layer of ``units`` and
    one logit (source 0, target 1); ``domain_units`` are its ReLU layers
    (the paper's digits D: one of 100). Logits are float32 under mixed precision.

    Args:
        shape: ``(H, W, C)`` of the images.
        num_classes: number of classes.
        filters: the two convolutions' filters.
        units: width of the dense layers.

    Returns:
        ``(features, classifier, domain_discriminator)`` functional models.

    Example:
        >>> f, c, d = dann_networks((16, 16, 1), 10)
        >>> c.outputs[0].shape[-1], d.outputs[0].shape[-1]
        (10, 1)
    """
    layers = keras.layers
    image = keras.Input(tuple(shape), name="image")
    h = image
    for i, f in enumerate(filters):
        h = layers.Conv2D(f, 5, padding="same", activation="relu", name=f"conv{i}")(h)
        h = layers.MaxPooling2D(2, name=f"pool{i}")(h)
    features = keras.Model(image, layers.Flatten(name="flatten")(h), name="features")
    width = features.outputs[0].shape[-1]
    f_in = keras.Input((width,), name="features")
    h = layers.Dense(units, activation="relu", name="dense0")(f_in)
    h = layers.Dense(units, activation="relu", name="dense1")(h)
    classifier = keras.Model(f_in, layers.Dense(num_classes, dtype="float32", name="logits")(h),
                             name="classifier")
    d_in = keras.Input((width,), name="features")
    h = d_in
    for i, size in enumerate(domain_units):
        h = layers.Dense(size, activation="relu", name=f"dense{i}")(h)
    discriminator = keras.Model(d_in, layers.Dense(1, dtype="float32", name="logit")(h),
                                name="domain_discriminator")
    return features, classifier, discriminator


@register("dann")
class DANN(AdversarialModel):
    """Domain-adversarial neural network (Ganin et al. 2016, JMLR 17(59), arXiv:1505.07818).

    A feature extractor ``F`` feeds a label classifier ``C`` and, through a
    :class:`~kerasgan.layers.GradientReversal` layer, a domain discriminator
    ``D`` that tells source features from target features. Each step:

    - ``D`` minimises the domain cross-entropy of ``F(source)`` (domain 0)
      and ``F(target)`` (domain 1), features held fixed;
    - ``F`` and ``C`` minimise the class cross-entropy on the labelled
      source plus ``domain_weight`` times the domain cross-entropy seen
      through the reversal layer, so ``F`` receives ``-lambda`` times the
      domain gradient: it learns features that classify the source and that
      ``D`` cannot place in a domain.

    ``lambda`` follows the paper's schedule ``2 / (1 + exp(-10 p)) - 1``
    over the training progress ``p = step / schedule_steps`` (the
    generator-side optimizer's step count). ``fit`` sets ``schedule_steps``
    to the steps it will run (``epochs`` times the data set's batches) the
    first time it trains a model without one; it is kept in the config, so
    a saved model resumes the same schedule. ``domain_weight=0`` trains the
    same networks on the source alone: the baseline DANN must beat.

    Batches are ``((source, labels), target)`` (a data set of kind
    ``"adapt"``: ``digits-adapt-inverse``, ``digits-adapt-thick``,
    ``adapt:SOURCE,TARGET``). ``model.classify(images)`` returns labels;
    ``model(images)`` the class logits. Defaults: the paper's SGD with
    momentum 0.9 at learning rate 0.01 for both sides (without the paper's
    annealing 0.01 / (1 + 10 p)^0.75; Adam lets ``F`` overpower ``D`` on the
    digits sets, see ``recipes/dann.yaml``), ``domain_weight=1``, ``D`` at
    full strength.

    Args:
        features: model ``image -> feature vector``.
        classifier: model ``features -> class logits``.
        domain_discriminator: model ``features -> one domain logit``.
        num_classes: number of classes.
        domain_weight: weight of the reversed domain loss in ``F``'s update.
        schedule_steps: steps over which ``lambda`` rises (``None``: set by
            the first ``fit``; without any, ``lambda = 1``).
        reversal_gamma: steepness of the schedule (10).
        **kwargs: see :class:`~kerasgan.core.AdversarialModel`.

    Example:
        >>> spec = kerasgan.data.spec("digits-adapt-inverse")
        >>> model = DANN.build_for_data(spec, seed=0)  # doctest: +SKIP
        >>> model.compile(); model.fit(kerasgan.data.load(spec.name, 64), epochs=10)  # doctest: +SKIP
        >>> model.classify(target_images)  # doctest: +SKIP
    """

    generator_keys = ("features", "classifier")
    discriminator_keys = ("domain_discriminator",)
    metric_names = ("d_loss", "g_loss", "class_loss", "domain_loss", "source_accuracy", "reversal")
    metric_directions = {"source_accuracy": "up", "reversal": "up"}
    data_kinds = ("adapt",)
    needs_labels = True  # the source's labels (the target's never reach training)
    data_hint = "a domain-adaptation set (digits-adapt-inverse, digits-adapt-thick, adapt:SOURCE,TARGET)"
    sampling = "classification"
    zoo_metrics = {"adapt": ("target_accuracy",)}

    def __init__(self, features, classifier, domain_discriminator, num_classes, *, domain_weight=1.0,
                 schedule_steps=None, reversal_gamma=10.0, **kwargs):
        super().__init__(**kwargs)
        self.features = features
        self.classifier = classifier
        self.domain_discriminator = domain_discriminator
        self.num_classes = int(num_classes)
        self.domain_weight = float(domain_weight)
        if self.domain_weight < 0:
            raise ValueError(f"domain_weight must be >= 0 (0: source only), got {domain_weight!r}.")
        if schedule_steps is not None and int(schedule_steps) < 1:
            raise ValueError(f"schedule_steps must be a positive integer or None, got {schedule_steps!r}.")
        self.schedule_steps = None if schedule_steps is None else int(schedule_steps)
        self.reversal_gamma = float(reversal_gamma)
        self.reversal = GradientReversal(name="gradient_reversal")

    # ------------------------------------------------------------ training

    def fit(self, *args, **kwargs):
        """``fit``; the first one sets :attr:`schedule_steps` to the steps it will run.

        Raises:
            ValueError: the number of steps is unknown (a data set of unknown
                size without ``steps_per_epoch``) and ``schedule_steps`` is unset.
        """
        if self.schedule_steps is None:
            x = args[0] if args else kwargs.get("x")
            steps = _planned_steps(x, kwargs)
            if steps is None:
                raise ValueError(
                    "DANN schedules the gradient reversal over the whole run but cannot tell how many "
                    "steps fit will run; pass steps_per_epoch= or build the model with schedule_steps=N."
                )
            self.schedule_steps = steps
        return super().fit(*args, **kwargs)

    def unpack_batch(self, data):
        """``((source, labels), target)`` -> ``{"source", "labels", "target"}``."""
        try:
            (source, labels), target = data
        except (TypeError, ValueError):
            raise ValueError(
                "DANN trains on ((source, labels), target) batches: load a domain-adaptation set "
                "(kerasgan.data.load('digits-adapt-inverse'), adapt:SOURCE,TARGET)."
            ) from None
        return {"source": source, "labels": labels, "target": target}

    def reversal_strength(self):
        """``lambda`` of the current step (a float32 scalar tensor)."""
        if self.schedule_steps is None or self.g_optimizer is None:
            return ops.convert_to_tensor(1.0, "float32")
        progress = ops.cast(self.g_optimizer.iterations, "float32") / float(self.schedule_steps)
        return reversal_schedule(ops.minimum(progress, 1.0), self.reversal_gamma)

    def _domain_terms(self, source_features, target_features, training):
        source_logits = self.domain_discriminator(source_features, training=training)
        target_logits = self.domain_discriminator(target_features, training=training)
        return replica_mean(ops.concatenate([_domain_cross_entropy(0, source_logits),
                                             _domain_cross_entropy(1, target_logits)]))

    def discriminator_terms(self, batch, draw, training=True):
        """The domain discriminator's cross-entropy on fixed source and target features."""
        source = ops.stop_gradient(self.features(batch["source"], training=training))
        target = ops.stop_gradient(self.features(batch["target"], training=training))
        loss = self._domain_terms(source, target, training)
        return {"d_loss": loss, "domain_loss": loss}

    def generator_terms(self, batch, training=True):
        """Source class loss plus the domain loss through the reversal layer."""
        strength = self.reversal_strength()
        source = self.features(batch["source"], training=training)
        target = self.features(batch["target"], training=training)
        logits = self.classifier(source, training=training)
        class_loss = replica_mean(class_cross_entropy(batch["labels"], logits))
        reversed_domain = self._domain_terms(self.reversal(source, strength=strength),
                                             self.reversal(target, strength=strength), training)
        hits = ops.cast(ops.equal(ops.argmax(logits, axis=-1), ops.reshape(
            ops.cast(batch["labels"], "int32"), (-1,))), "float32")
        return {
            "g_loss": class_loss + self.domain_weight * reversed_domain,
            "class_loss": class_loss,
            "source_accuracy": replica_mean(hits),
            "reversal": strength / float(num_replicas()),
        }

    # ------------------------------------------------------------ inference

    def call(self, inputs, training=False):
        """Class logits of images: ``model.predict(images)``.

        Given a ``(source, labels)`` pair (the ``x`` Keras finds in an
        adaptation batch when it builds the model), classifies the source.
        """
        if isinstance(inputs, (tuple, list)):
            inputs = inputs[0]
        return self.classifier(self.features(inputs, training=training), training=training)

    def classify(self, images, batch_size=256, probabilities=False):
        """Classes (or class probabilities) of images in [-1, 1].

        Args:
            images: float array ``(N, H, W, C)``.
            batch_size: images per forward pass.
            probabilities: return the softmax ``(N, num_classes)`` instead of labels.

        Returns:
            int64 labels ``(N,)``, or float32 probabilities.

        Raises:
            ValueError: images of another shape than the model's.
        """
        images = np.asarray(images, dtype="float32")
        expected = tuple(self.features.inputs[0].shape[1:])
        if images.ndim != 4 or tuple(images.shape[1:]) != expected:
            raise ValueError(
                f"DANN classifies images of shape (N,) + {expected}; got {images.shape}. "
                "Resize them (kerasgan.data.load(..., image_size=..., channels=...))."
            )
        logits = batched_numpy(lambda b: self(b["image"], training=False), {"image": images}, batch_size)
        if probabilities:
            return np.asarray(ops.convert_to_numpy(ops.softmax(logits, axis=-1)), dtype="float32")
        return np.argmax(logits, axis=-1)

    def generate(self, n, seed=None, **kwargs):
        """DANN does not generate; use :meth:`classify`."""
        raise TypeError("DANN classifies images rather than generating them: call model.classify(images).")

    def classifier_network(self):
        """One functional model ``image -> class logits`` (``F`` then ``C``), sharing their layers."""
        image = keras.Input(tuple(self.features.inputs[0].shape[1:]), name="image")
        logits = self.classifier(self.features(image))
        return keras.Model(image, logits, name="dann_classifier")

    def sample_picture(self, seed, n=None, preview=None, **conditions):
        """Preview images in order of their predicted class, the labels in the caption.

        Args:
            preview: ``{"target": images}`` (a run's adaptation preview) or
                ``{"x": images}`` (``kerasgan sample --input DIR``).
        """
        if conditions:
            raise TypeError(f"DANN pictures take no {sorted(conditions)}.")
        key = next((k for k in ("target", "x") if preview is not None and k in preview), None)
        if key is None:
            raise ValueError("DANN draws a preview of images: pass preview={'target': images}.")
        images = np.asarray(preview[key], dtype="float32")
        predicted = self.classify(images)
        order = np.argsort(predicted, kind="stable")
        nrow = min(8, len(images))
        rows = [" ".join(str(k) for k in predicted[order][i:i + nrow]) for i in range(0, len(images), nrow)]
        text = ("images in order of their predicted class, row by row: "
                + " | ".join(rows))
        return SamplePicture("grid", images[order], nrow=nrow, caption=text)

    # ------------------------------------------------------------ serving

    @property
    def serving_kind(self):
        """Exported signatures classify an ``image``."""
        return "classifier"

    def serving_generators(self):
        """The classifier ``F`` then ``C`` (``serving_default`` and ``classify``)."""
        return [(None, self.classifier_network())]

    # ------------------------------------------------------------ config

    def get_config(self):
        """Adds the class count, the domain weight and the schedule."""
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "domain_weight": self.domain_weight,
            "schedule_steps": self.schedule_steps,
            "reversal_gamma": self.reversal_gamma,
        }

    @classmethod
    def default_optimizers(cls):
        """SGD(0.01, momentum 0.9) for ``F`` + ``C`` and for ``D`` (the paper's, unannealed)."""
        return keras.optimizers.SGD(0.01, momentum=0.9), keras.optimizers.SGD(0.01, momentum=0.9)

    @classmethod
    def build_default_model(cls, data_spec, latent_dim=None, **kwargs):
        """The paper's digits networks (:func:`dann_networks`) for an adaptation set.

        ``domain_units`` (a list of layer widths) among the keyword arguments
        sizes the domain discriminator; the rest go to the constructor.
        """
        if data_spec.kind != "adapt":
            raise ValueError(
                f"DANN needs {cls.data_hint}; {data_spec.name!r} is {data_spec.kind!r}."
            )
        domain_units = tuple(int(u) for u in kwargs.pop("domain_units", (100,)))
        features, classifier, discriminator = dann_networks(
            data_spec.shape, data_spec.num_classes, domain_units=domain_units)
        return cls(features, classifier, discriminator, data_spec.num_classes, **kwargs)

    @classmethod
    def build_tiny(cls, seed=7, **kwargs):
        """Convolutions of 4 and 8 filters, dense layers of 16, 3 classes, 16 px; a 4-step schedule."""
        from kerasgan.data import DataSpec

        keras.utils.set_random_seed(seed)
        spec = DataSpec("tiny-adapt", "adapt", (16, 16, 1), 3, target_shape=(16, 16, 1))
        nets = dann_networks(spec.shape, 3, filters=(4, 8), units=16)
        kwargs.setdefault("schedule_steps", 4)
        return cls(*nets, 3, seed=seed, **kwargs), spec

