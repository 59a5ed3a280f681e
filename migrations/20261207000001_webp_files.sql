-- Each served width of an upload as WebP too, for browsers that accept it (about 0.6 of the
-- JPEG's bytes at the same quality). Pictures stored before have none: they are served as JPEG.
ALTER TABLE picture_files ADD COLUMN webp bytea;

-- Like JPEG, WebP does not compress further: store it out of line without trying.
ALTER TABLE picture_files ALTER COLUMN webp SET STORAGE EXTERNAL;
