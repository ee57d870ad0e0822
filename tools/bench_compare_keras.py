"""The TensorFlow side of ``tools/bench_compare.py``: a hand-written Keras loop, kerasgan's ``fit``.

* :class:`KerasLoop` is the loop a Keras user writes from the keras-io /
  tensorflow.org GAN tutorials: a ``tf.function`` train step with one
  ``GradientTape`` per network and ``optimizer.apply_gradients``, run over a
  ``tf.data`` iterator from Python. Its algorithm is the PyTorch
  reference's (one generator forward per DCGAN step, reused for the G
  update; fresh latents per critic update for WGAN-GP), so it measures
  Keras/TensorFlow doing the same work as the PyTorch column.
* :class:`KerasganFit` is kerasgan as a user runs it: the family's model,
  ``compile()`` with no arguments (the library's defaults) and ``fit``.
"""

from __future__ import annotations

import time

import keras
import tensorflow as tf


def build_with_policy(policy, build):
    """Calls ``build()`` under the global Keras dtype policy ``policy``, then restores the old one.

    Args:
        policy: ``"float32"`` or ``"mixed_bfloat16"`` (any Keras policy name).
        build: zero-argument callable building the networks.

    Returns:
        What ``build`` returns.
    """
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(policy)
    try:
        return build()
    finally:
        keras.mixed_precision.set_global_policy(previous)


def trainable_count(model):
    """Number of trainable weights' elements of a Keras model."""
    return int(sum(int(tf.size(v)) for v in model.trainable_weights))


def _bce(logits, label):
    logits = tf.cast(logits, tf.float32)
    labels = tf.ones_like(logits) if label else tf.zeros_like(logits)
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))


class KerasLoop:
    """A hand-written Keras training loop on the same nets and data as the other contestants.

    Args:
        generator, discriminator: Keras models (built under the policy wanted).
        algorithm: ``"gan"`` (non-saturating BCE with logits) or ``"wgan_gp"``.
        optimizer: ``(lr, beta_1, beta_2)`` of both Adams.
        dataset: a repeated ``tf.data.Dataset`` of real batches.
        latent_dim: size of ``z``.
        jit_compile: the train step's ``tf.function(jit_compile=...)``.
        d_steps, gp_weight: WGAN-GP's settings.
    """

    framework = "tf"

    def __init__(self, generator, discriminator, algorithm, optimizer, dataset, latent_dim,
                 jit_compile=False, d_steps=5, gp_weight=10.0):
        self.g, self.d = generator, discriminator
        lr, beta_1, beta_2 = optimizer
        self.g_opt = keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=beta_2)
        self.d_opt = keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=beta_2)
        self.g_opt.build(self.g.trainable_variables)
        self.d_opt.build(self.d.trainable_variables)
        self.latent_dim, self.d_steps, self.gp_weight = latent_dim, d_steps, gp_weight
        self.jit_compile = bool(jit_compile)
        method = self._gan_step if algorithm == "gan" else self._wgan_gp_step

        def body(real):  # one Python function per loop: TF's retracing warning counts per function
            return method(real)

        self.step = tf.function(body, jit_compile=self.jit_compile)
        self.iterator = iter(dataset)

    def _latents(self, real):
        return tf.random.normal((tf.shape(real)[0], self.latent_dim))

    def _gan_step(self, real):
        with tf.GradientTape() as g_tape:
            fake = self.g(self._latents(real), training=True)
            with g_tape.stop_recording():  # the D update is not part of G's gradient
                with tf.GradientTape() as d_tape:
                    d_loss = (_bce(self.d(real, training=True), True)
                              + _bce(self.d(tf.stop_gradient(fake), training=True), False))
                d_grads = d_tape.gradient(d_loss, self.d.trainable_variables)
                self.d_opt.apply_gradients(zip(d_grads, self.d.trainable_variables))
            g_loss = _bce(self.d(fake, training=True), True)
        g_grads = g_tape.gradient(g_loss, self.g.trainable_variables)
        self.g_opt.apply_gradients(zip(g_grads, self.g.trainable_variables))
        return g_loss

    def _gradient_penalty(self, real, fake):
        alpha = tf.random.uniform([tf.shape(real)[0]] + [1] * (len(real.shape) - 1))
        x_hat = alpha * tf.cast(real, tf.float32) + (1.0 - alpha) * tf.cast(fake, tf.float32)
        with tf.GradientTape() as tape:
            tape.watch(x_hat)
            scores = tf.reduce_sum(tf.cast(self.d(x_hat, training=True), tf.float32))
        grad = tape.gradient(scores, x_hat)
        flat = tf.reshape(grad, [tf.shape(grad)[0], -1])
        norm = tf.sqrt(tf.reduce_sum(tf.square(flat), 1) + 1e-12)
        return tf.reduce_mean(tf.square(norm - 1.0))

    def _wgan_gp_step(self, real):
        for _ in range(self.d_steps):
            fake = self.g(self._latents(real), training=True)
            with tf.GradientTape() as tape:
                fake_scores = tf.cast(self.d(fake, training=True), tf.float32)
                real_scores = tf.cast(self.d(real, training=True), tf.float32)
                d_loss = (tf.reduce_mean(fake_scores) - tf.reduce_mean(real_scores)
                          + self.gp_weight * self._gradient_penalty(real, fake))
            grads = tape.gradient(d_loss, self.d.trainable_variables)
            self.d_opt.apply_gradients(zip(grads, self.d.trainable_variables))
        with tf.GradientTape() as tape:
            scores = self.d(self.g(self._latents(real), training=True), training=True)
            g_loss = -tf.reduce_mean(tf.cast(scores, tf.float32))
        grads = tape.gradient(g_loss, self.g.trainable_variables)
        self.g_opt.apply_gradients(zip(grads, self.g.trainable_variables))
        return g_loss

    def warmup(self, steps):
        """Runs ``steps`` untimed steps (tracing; XLA compilation with ``jit_compile``)."""
        for _ in range(steps):
            loss = self.step(next(self.iterator))
        float(loss)

    def timed(self, steps):
        """Seconds for ``steps`` steps; reading the last loss waits for the last step to finish."""
        start = time.perf_counter()
        for _ in range(steps):
            loss = self.step(next(self.iterator))
        float(loss)
        return time.perf_counter() - start


class KerasganFit:
    """kerasgan's default path: the family model, ``compile()`` without arguments, ``fit``.

    Args:
        model: an uncompiled kerasgan family model (e.g. ``kerasgan.DCGAN(G, D)``).
        dataset: a repeated ``tf.data.Dataset`` of real batches.
        step_timer: factory of the timing callback (``tools/bench.py``'s
            ``_step_timer``: first batch begin to each batch end).
    """

    framework = "tf"

    def __init__(self, model, dataset, step_timer):
        self.model, self.dataset, self.step_timer = model, dataset, step_timer
        model.compile()

    @property
    def jit_compile(self):
        """The ``jit_compile`` the model runs with (after ``fit``: what Keras resolved)."""
        return self.model.jit_compile

    def defaults(self):
        """What the library chose, as text: XLA (and why, if the model says), step settings."""
        model = self.model
        text = f"jit_compile={model.jit_compile}"
        reason = getattr(model, "jit_compile_reason", None)
        if reason:
            text += f" ({reason})"
        for name in ("reuse_generated", "d_steps"):
            if hasattr(model, name):
                text += f", {name}={getattr(model, name)}"
        return text

    def warmup(self, steps):
        """One untimed ``fit`` of ``steps`` steps (tracing, XLA compilation)."""
        self.model.fit(self.dataset, steps_per_epoch=steps, epochs=1, verbose=0)

    def timed(self, steps):
        """Seconds from the start of the first train step to the end of the last, in one ``fit``."""
        timer = self.step_timer()
        self.model.fit(self.dataset, steps_per_epoch=steps, epochs=1, verbose=0, callbacks=[timer])
        if timer.start is None or len(timer.ends) != steps:
            raise RuntimeError(f"expected {steps} batch callbacks, got {len(timer.ends)}")
        return timer.ends[-1] - timer.start
