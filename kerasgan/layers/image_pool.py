"""History pool of generated images (Shrivastava et al. 2017; used by CycleGAN)."""

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="kerasgan")
class ImageHistoryPool(keras.layers.Layer):
    """Keeps the last ``pool_size`` generated images and mixes them into D's batches.

    While the pool is filling, every new image is stored and returned as is.
    Once full, each image is, with probability 1/2, swapped with a random
    stored one (the stored one is returned, the new one takes its place), so
    the discriminator also sees older generator outputs, which damps
    oscillation. The pool lives in non-trainable variables, so it is saved
    with the model and a resumed run continues with the same history.

    Args:
        pool_size: number of stored images (50 in CycleGAN); 0 disables it.
        image_shape: shape of one image, e.g. (H, W, C).

    Example:
        >>> pool = ImageHistoryPool(50, (32, 32, 3))
        >>> mixed = pool(fake_images, seed=tf.constant([1, 2], tf.int64))
    """

    def __init__(self, pool_size, image_shape, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = int(pool_size)
        self.image_shape = tuple(int(d) for d in image_shape)
        if self.pool_size < 0:
            raise ValueError(f"pool_size must be >= 0, got {pool_size!r}.")
        if self.pool_size:
            # Only the first replica's pool is kept under tf.distribute: a
            # history of samples does not need to agree across devices.
            self.images = self.add_weight(
                shape=(self.pool_size,) + self.image_shape,
                initializer="zeros",
                trainable=False,
                name="images",
                aggregation="only_first_replica",
            )
            self.count = self.add_weight(
                shape=(), initializer="zeros", dtype="int32", trainable=False, name="count",
                aggregation="only_first_replica",
            )
        self.built = True

    def call(self, images, seed):
        """Returns the batch to show the discriminator and updates the pool.

        Args:
            images: newly generated images (B,) + image_shape.
            seed: int64 (2,) stateless seed for the random choices.
        """
        if not self.pool_size:
            return images
        images = tf.cast(images, self.images.dtype)
        batch = tf.shape(images)[0]
        count = tf.convert_to_tensor(self.count)
        seeds = tf.random.experimental.stateless_split(seed, 2)
        swap = tf.logical_and(
            count >= self.pool_size,
            tf.random.stateless_uniform((batch,), seed=seeds[0]) < 0.5,
        )
        slots = tf.random.stateless_uniform(
            (batch,), seed=seeds[1], minval=0, maxval=self.pool_size, dtype=tf.int32
        )
        stored = tf.gather(tf.convert_to_tensor(self.images), slots)
        swap_mask = tf.reshape(swap, (-1,) + (1,) * len(self.image_shape))
        returned = tf.where(swap_mask, stored, images)

        # Filling: the next free slots; full: the swapped slots. Rows that
        # write nothing go to an extra sink row, sliced off afterwards, which
        # keeps every shape static (XLA) and never clobbers a real write.
        fill_slots = count + tf.range(batch, dtype=tf.int32)
        filling = fill_slots < self.pool_size
        target = tf.where(filling, fill_slots, tf.where(swap, slots, self.pool_size))
        padded = tf.concat(
            [tf.convert_to_tensor(self.images), tf.zeros((1,) + self.image_shape, self.images.dtype)], 0
        )
        updated = tf.tensor_scatter_nd_update(padded, target[:, None], images)
        self.images.assign(updated[: self.pool_size])
        self.count.assign(tf.minimum(count + batch, self.pool_size))
        return returned

    def get_config(self):
        """Pool size and image shape."""
        return {**super().get_config(), "pool_size": self.pool_size, "image_shape": self.image_shape}
