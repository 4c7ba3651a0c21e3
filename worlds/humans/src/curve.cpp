#include "curve.h"

#include <algorithm>

#include <gen/error.h>

namespace gen::humans {

Curve& Curve::key(double t, double value, double slope) {
  if (!keys_.empty() && t < keys_.back().t - 1e-9) throw Error("animation curve keys must come in time order");
  if (!keys_.empty() && t < keys_.back().t + 1e-9) keys_.pop_back();
  keys_.push_back({t, value, slope});
  return *this;
}

double Curve::operator()(double t) const {
  if (keys_.empty()) return 0;
  if (t <= keys_.front().t) return keys_.front().value;
  if (t >= keys_.back().t) return keys_.back().value;
  auto it = std::upper_bound(keys_.begin(), keys_.end(), t, [](double x, const Key& k) { return x < k.t; });
  const Key& a = *(it - 1);
  const Key& b = *it;
  const double h = b.t - a.t, s = (t - a.t) / h, s2 = s * s, s3 = s2 * s;
  return (2 * s3 - 3 * s2 + 1) * a.value + (s3 - 2 * s2 + s) * h * a.slope + (-2 * s3 + 3 * s2) * b.value +
         (s3 - s2) * h * b.slope;
}

}  // namespace gen::humans
