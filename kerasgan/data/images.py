"""Former home of the ``digits`` and ``folder:PATH`` sources, kept so that existing imports work.

New code imports from the modules that own these names:
:mod:`kerasgan.data.digits` (scikit-learn digits),
:mod:`kerasgan.data.folders` (image files on disk) and
:mod:`kerasgan.data.folder_images` (``folder:PATH``).
"""

from kerasgan.data.digits import DIGITS_DEFAULT_SIZE, DIGITS_SPLITS, digits_arrays, digits_images, digits_spec, load_digits
from kerasgan.data.folder_images import FOLDER_DEFAULT_CHANNELS, FOLDER_DEFAULT_SIZE, folder_spec, load_folder
from kerasgan.data.folders import IMAGE_EXTENSIONS, list_images

__all__ = [
    "DIGITS_DEFAULT_SIZE",
    "DIGITS_SPLITS",
    "FOLDER_DEFAULT_SIZE",
    "FOLDER_DEFAULT_CHANNELS",
    "IMAGE_EXTENSIONS",
    "digits_arrays",
    "digits_spec",
    "digits_images",
    "load_digits",
    "list_images",
    "folder_spec",
    "load_folder",
]
