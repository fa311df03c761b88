"""SCORM 1.2 and 2004 packages: manifests, attempts and their CMI data, sequencing between SCOs,
and the statements their results become."""
