"""ODK Collect, KoboCollect and Enketo: the OpenRosa form list, forms and submissions."""
