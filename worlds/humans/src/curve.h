// A scalar channel of an animation (a height, an angle) given by keys: values and
// slopes at times, joined by cubic Hermite pieces, so it is smooth (C1) through every
// key. Zero slopes (the default) ease in and out of each key.
#pragma once
#include <vector>

namespace gen::humans {

class Curve {
 public:
  // Keys must come in increasing time; a key at the same time as the last replaces it.
  Curve& key(double t, double value, double slope = 0);
  // Holds the first and last values outside the keys; 0 without keys.
  double operator()(double t) const;
  double start() const { return keys_.empty() ? 0 : keys_.front().t; }
  double end() const { return keys_.empty() ? 0 : keys_.back().t; }
  double last_value() const { return keys_.empty() ? 0 : keys_.back().value; }

 private:
  struct Key {
    double t, value, slope;
  };
  std::vector<Key> keys_;
};

}  // namespace gen::humans
