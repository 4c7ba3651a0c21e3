// Captions of humans-world motions in many phrasings ("a person walks forward",
// "someone walks slowly forward", "a man is walking forwards", "the person jogs",
// "a woman waves with her right hand", "a person runs forward then jumps"), drawn
// from the vocabulary in configs/humans/captions.json. Every parameter the spec has
// is worded, except the defaults a plain verb already implies: forward, a normal pace,
// once, and jumping in place may go unsaid.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/humans/motion_spec.h>

namespace gen::humans {

// `count` different captions (fewer only if the vocabulary has no more), a pure
// function of the spec and the seed. Throws gen::UsageError for an invalid spec.
GEN_API std::vector<std::string> caption_motion(const MotionSpec& spec, uint64_t seed, int count = 5);

// Prompt-travel rules (gen/travel_rules.h) that split every sequence caption the world
// writes into its two actions' captions: "a person runs forward then jumps" -> "a person
// runs forward" up to captions.json's sequence_travel/first_until, "a person jumps" from
// second_from. `gen data motion` writes them beside the data as prompt_travel.json.
GEN_API nlohmann::json sequence_travel_rules();

}  // namespace gen::humans
