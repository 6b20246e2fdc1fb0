"""The edition's pipeline: readers (OCR to TEI), annotators (TEI to TEI), validation and writers."""
