"""RVR Desktop's tests: a regular package, so that no installed package named ``tests``
(spylls ships one) can stand in for it."""
