// A shared library that is not a gen plugin: it exports no descriptor entry.
extern "C" __attribute__((visibility("default"))) int some_other_function() { return 42; }
