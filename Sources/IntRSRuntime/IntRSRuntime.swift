// Module IntRSRuntime.
