"""The officer's signing identity, the trust store, and the signatures RVR Desktop makes.

- ``credential``: a PKCS#12 signing credential, checked on import, stored only in the vault;
- ``identity_store`` and ``officer``: the credential and the officer's profile in the vault;
- ``training_pki``: a throw-away test CA for training and demos, labelled TEST everywhere;
- ``trust``: the roots an evidence officer trusts;
- ``pdf_sign`` / ``pdf_validate``: PAdES signatures on the MG11 statement;
- ``cms``: the detached CMS signature over the bundle's tag manifest.

Nothing here imports Qt.
"""
