// The writers of every modality library linked into the CLI.
#pragma once
#include <gen/output_formats.h>

namespace gen::cli {

void add_output_formats(OutputFormats& formats);

}  // namespace gen::cli
