#include <gen/sounds/captions.h>

#include <gen/audio/note_names.h>

#include <cctype>

#include "world_config.h"

namespace gen::sounds {

namespace {

void replace_all(std::string& text, const std::string& key, const std::string& value) {
  for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
    text.replace(at, key.size(), value);
}

// "a" before a consonant sound, "an" before a vowel sound: "an A3", "an F#4", "an E5".
void fix_articles(std::string& text) {
  for (size_t at = 0; (at = text.find("a ", at)) != std::string::npos; at += 2) {
    if (at > 0 && text[at - 1] != ' ') continue;
    const char next = at + 2 < text.size() ? text[at + 2] : ' ';
    if (std::string("AEFaeiou").find(next) != std::string::npos && !(next == 'u')) {
      text.insert(at + 1, "n");
    }
  }
}

std::string pick_word(Rng& rng, const std::string& path) { return rng.pick(config_strings(captions_config(), path)); }

}  // namespace

std::string register_word(int midi) {
  for (const auto& [word, range] : config_at(world_config(), "registers").items())
    if (midi >= range[0].get<int>() && midi <= range[1].get<int>()) return word;
  return midi < 60 ? "low" : "high";
}

std::optional<std::pair<int, int>> caption_register(const std::string& caption) {
  std::string word;
  const auto registered = [&]() -> std::optional<std::pair<int, int>> {
    const auto& registers = config_at(world_config(), "registers");
    if (word.empty() || !registers.contains(word)) return std::nullopt;
    const auto& range = registers.at(word);
    return std::pair{range[0].get<int>(), range[1].get<int>()};
  };
  for (const char ch : caption + " ") {
    if (std::isalpha(static_cast<unsigned char>(ch))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      continue;
    }
    if (const auto range = registered()) return range;
    word.clear();
  }
  return std::nullopt;
}

std::string sound_caption(const SoundSpec& spec, Rng& rng) {
  std::string text = rng.pick(config_strings(captions_config(), "templates/" + kind_name(spec.kind)));
  if (spec.midi >= 0) {
    replace_all(text, "{note}", audio::note_name(spec.midi));
    replace_all(text, "{register}", register_word(spec.midi));
  }
  replace_all(text, "{instrument}", spec.source);
  replace_all(text, "{waveform}", spec.source);
  replace_all(text, "{drum}", spec.source == "hihat" ? "hi-hat" : spec.source);
  replace_all(text, "{direction}", spec.source);
  replace_all(text, "{updown}", spec.source == "rising" ? "up" : "down");
  replace_all(text, "{colour}", spec.source);
  replace_all(text, "{tempo}", std::to_string(static_cast<int>(std::lround(spec.tempo_bpm))));
  if (rng.chance(config_number(captions_config(), "loudness_probability")))
    text = pick_word(rng, "loudness_words/" + spec.loudness) + " " + text;
  const bool timed = spec.kind == SoundKind::note || spec.kind == SoundKind::tone || spec.kind == SoundKind::noise;
  if (timed && rng.chance(config_number(captions_config(), "duration_probability"))) {
    if (spec.duration < config_number(captions_config(), "short_below"))
      text += ", " + pick_word(rng, "duration_words/short");
    else if (spec.duration > config_number(captions_config(), "long_above"))
      text += ", " + pick_word(rng, "duration_words/long");
  }
  // Articles go last: a loudness word in front ("soft a piano ...") is reordered here.
  if (text.rfind("soft a ", 0) == 0 || text.rfind("quiet a ", 0) == 0 || text.rfind("loud a ", 0) == 0) {
    const size_t space = text.find(' ');
    text = "a " + text.substr(0, space) + text.substr(space + 2);
  }
  fix_articles(text);
  return text;
}

}  // namespace gen::sounds
