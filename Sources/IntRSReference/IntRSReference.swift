// Module IntRSReference.
