-- getFile: ARGV[2] = name, [3] = seenAfter. The file (FileRow) with its live holders of its catalog
-- content, or nil when the catalog does not know the name.
return fileRow(ARGV[2], ARGV[3])
