"""Evidence bundles: BagIt 1.0 bags (RFC 8493) as a folder or a stored .zip, read strictly."""
