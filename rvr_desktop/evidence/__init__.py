"""The Qt-free core of RVR Desktop: vault, cases, notes, audit, attachments, forms,
documents, signing, bundles and verification. Nothing here imports Qt."""
