// Placeholder translation unit until the types sources land.
