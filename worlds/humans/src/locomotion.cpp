// Walking, running, side steps and turning in place: one gait engine. The pelvis
// follows a planned path (speed ramping up and down, heading turning early, steadily
// or in place); footsteps alternate at the cadence, each foot landing where the
// neutral stance would put it at the middle of its coming stance, so the pelvis passes
// over the planted foot; feet roll, swing and stay planted as foot_motion.h describes,
// and the pelvis bobs, rotates and rolls with the steps while the arms swing against
// the legs.
#include <limits>

#include <gen/error.h>

#include "action_track.h"
#include "foot_motion.h"
#include "upper_body.h"
#include "world_config.h"

namespace gen::humans {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct Gait {
  double speed = 1, cadence = 1.8, duty = 0.6, clearance = 0.1, bob = 0.02, drop = 0.02;
  bool running = false;           // bob lowest at mid-stance, highest in flight
  double land_pitch = 0, leave_pitch = 0, swing_pitch = 0;
  double half_width = 0.06;       // each toe from the path's midline at full pace
  double lean = 0, arm_swing = 0, elbow_extra = 0, pelvis_yaw = 0, pelvis_roll = 0;
  double travel_angle = 0;        // relative to the heading: 0 forward, pi backward, +pi/2 left
  double accel_time = 0.7;
  int lead = kLeft;               // the foot that steps first
};

enum class Turn { none, early, steady, in_place };

struct PathPlan {
  double move_time = 3;
  double turn = 0;  // total heading change, + = left (counter-clockwise from above)
  Turn profile = Turn::none;
  double turn_distance = 1;  // Turn::early: metres over which the turn happens
};

// The pelvis's ground path, integrated finely and looked up by time.
class Path {
 public:
  Path(const Gait& gait, const PathPlan& plan, Vec3 start, double yaw) : gait_(gait), plan_(plan) {
    const int n = static_cast<int>(std::ceil(plan.move_time / kDt)) + 1;
    speed_.resize(n);
    for (int i = 0; i < n; ++i) speed_[i] = speed_at(i * kDt);
    double total = 0;
    for (int i = 1; i < n; ++i) total += 0.5 * (speed_[i - 1] + speed_[i]) * kDt;
    position_.resize(n);
    yaw_.resize(n);
    position_[0] = start;
    double distance = 0;
    for (int i = 0; i < n; ++i) {
      if (i > 0) distance += 0.5 * (speed_[i - 1] + speed_[i]) * kDt;
      yaw_[i] = yaw + plan.turn * turn_progress(i * kDt, distance, total);
      if (i > 0)
        position_[i] = position_[i - 1] + heading(yaw_[i - 1] + gait.travel_angle) * (0.5 * (speed_[i - 1] + speed_[i]) * kDt);
    }
  }

  double end() const { return plan_.move_time; }
  Vec3 position(double t) const { return lerp(position_[index(t)], position_[index(t) + 1], fraction(t)); }
  double yaw(double t) const { return mix(yaw_[index(t)], yaw_[index(t) + 1], fraction(t)); }
  double speed(double t) const { return mix(speed_[index(t)], speed_[index(t) + 1], fraction(t)); }
  double yaw_rate(double t) const { return (yaw(t + 0.02) - yaw(t - 0.02)) / 0.04; }
  // How far into its pace the gait is (0 standing, 1 full): speed, or turning rate in place.
  double pace(double t) const {
    if (plan_.profile == Turn::in_place) return std::min(1.0, std::abs(yaw_rate(t)) / peak_turn_rate());
    return gait_.speed > 0 ? speed(t) / gait_.speed : 0;
  }
  double acceleration(double t) const { return (speed(t + 0.05) - speed(t - 0.05)) / 0.1; }

 private:
  static constexpr double kDt = 0.005;
  size_t index(double t) const {
    const double x = std::clamp(t / kDt, 0.0, static_cast<double>(position_.size() - 1));
    return std::min(static_cast<size_t>(x), position_.size() - 2);
  }
  double fraction(double t) const {
    const double x = std::clamp(t / kDt, 0.0, static_cast<double>(position_.size() - 1));
    return x - static_cast<double>(index(t));
  }
  double speed_at(double t) const {
    if (plan_.profile == Turn::in_place) return 0;
    return gait_.speed * ramp(t, 0, gait_.accel_time) * ramp(plan_.move_time - t, 0, gait_.accel_time);
  }
  double turn_progress(double t, double distance, double total) const {
    switch (plan_.profile) {
      case Turn::early: return smoothstep(distance / plan_.turn_distance);
      case Turn::steady: return total > 0 ? distance / total : 0;
      case Turn::in_place: return smoothstep(t / plan_.move_time);
      default: return 0;
    }
  }
  double peak_turn_rate() const { return std::abs(plan_.turn) * 1.5 / plan_.move_time; }  // smoothstep's peak slope

  Gait gait_;
  PathPlan plan_;
  std::vector<double> speed_, yaw_;
  std::vector<Vec3> position_;
};

struct Step {
  int side = kLeft;
  double lift = 0, land = 0;
  FootTarget target;  // the flat plant it lands on
  double scale = 1;   // how full a step it is (small first and last steps roll their feet less)
};

class StepPlan {
 public:
  StepPlan(const Gait& gait, const Path& path, const StandState& start, const Style& style, Rng& rng)
      : gait_(gait), start_(start) {
    const double step_time = 1 / gait.cadence;
    swing_time_ = 2 * (1 - gait.duty) * step_time;
    stance_time_ = 2 * gait.duty * step_time;
    const double nominal = std::max(gait.speed * step_time, 0.05);
    std::array<FootTarget, 2> plant = start.feet;
    std::array<bool, 2> finished{false, false};
    double t = 0.08 + rng.uniform(0, 0.06);
    int side = gait.lead;
    for (int guard = 0; guard < 200 && !(finished[0] && finished[1]); ++guard) {
      const double land = t + swing_time_, mid = land + 0.5 * stance_time_;
      const bool last = mid >= path.end();
      FootTarget target = last ? neutral_foot(path.position(path.end()), path.yaw(path.end()), side,
                                              style.stance_half_width, style)
                               : placement(path, side, mid, style);
      const double length = norm(ground(target.toe - plant[side].toe));
      const double turned = std::abs(angle_difference(plant[side].yaw, target.yaw));
      if (!(last && length < 0.01 && turned < radians(2))) {
        steps_.push_back({side, t, land, target, std::clamp(length / nominal, 0.25, 1.0)});
        plant[side] = target;
      }
      finished[side] = finished[side] || last;
      t += step_time * rng.uniform(0.96, 1.04);
      side = 1 - side;
    }
    end_feet_ = plant;
  }

  const std::vector<Step>& steps() const { return steps_; }
  const std::array<FootTarget, 2>& end_feet() const { return end_feet_; }
  double last_landing() const { return steps_.empty() ? 0 : steps_.back().land; }
  double land_time() const { return 0.15 * stance_time_; }

  // The foot of `side` at time t; `swing` gets the swing's progress (0 when planted).
  FootTarget foot(int side, double t, double clearance, const Path& path, double* swing) const {
    *swing = 0;
    const Step* previous = nullptr;
    for (size_t i = 0; i < steps_.size(); ++i) {
      const Step& s = steps_[i];
      if (s.side != side) continue;
      if (t < s.lift) return stance(side, previous, &s, t);
      if (t < s.land) {
        *swing = (t - s.lift) / (s.land - s.lift);
        const FootTarget from = stance(side, previous, &s, s.lift), to = stance(side, &s, nullptr, s.land);
        const Carrier carrier{path.position(s.lift), path.position(s.land), path.position(t)};
        return swing_foot(from, to, clearance * (0.5 + 0.5 * s.scale), gait_.swing_pitch * s.scale, *swing, carrier);
      }
      previous = &s;
    }
    return stance(side, previous, nullptr, t);
  }

  // Mid-stance times of every step, in order: where the pelvis bobs to its extreme.
  std::vector<double> mid_stances() const {
    std::vector<double> out;
    for (const auto& s : steps_) out.push_back(s.land + 0.5 * stance_time_);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  // Where a foot lands for a stance centred at `mid`: the neutral stance under the
  // path there, with the gait's width (side steps keep the feet apart by a gap).
  FootTarget placement(const Path& path, int side, double mid, const Style& style) const {
    const double width = mix(style.stance_half_width, gait_.half_width, std::clamp(path.pace(mid), 0.0, 1.0));
    return neutral_foot(path.position(mid), path.yaw(mid), side, width, style);
  }

  // The foot planted on `landed`'s target (or the start stance), before `next` lifts it.
  FootTarget stance(int side, const Step* landed, const Step* next, double t) const {
    Rocker r;
    r.land = landed ? gait_.land_pitch * landed->scale : 0;
    r.leave = next ? gait_.leave_pitch * next->scale : 0;
    r.land_time = land_time();
    r.leave_time = 0.4 * stance_time_;
    const FootTarget& plant = landed ? landed->target : start_.feet[side];
    return stance_foot(plant.toe, plant.yaw, r, landed ? t - landed->land : kInfinity, next ? next->lift - t : kInfinity);
  }

  Gait gait_;
  StandState start_;
  double swing_time_ = 0.4, stance_time_ = 0.6;
  std::vector<Step> steps_;
  std::array<FootTarget, 2> end_feet_;
};

// The pelvis's bob in [-1, 1]: +1 at every mid-stance, -1 halfway between two.
double bob_phase(const std::vector<double>& mids, double t) {
  if (mids.size() < 2 || t <= mids.front() || t >= mids.back()) return 1;
  auto it = std::upper_bound(mids.begin(), mids.end(), t);
  const double a = *(it - 1), b = *it;
  return std::cos(2 * M_PI * (t - a) / std::max(b - a, 1e-6));
}

BodyFrame gait_frame(const Gait& gait, const Path& path, const StepPlan& plan, const std::vector<double>& mids,
                     const Style& style, double t) {
  BodyFrame f;
  const double pace = std::clamp(path.pace(t), 0.0, 1.0), yaw = path.yaw(t);
  std::array<double, 2> swing{};
  for (int side : {kLeft, kRight})
    f.feet[side] = plan.foot(side, t, gait.clearance * style.clearance_scale, path, &swing[side]);
  const Vec3 ground_point = path.position(t), facing = heading(yaw);
  // How far ahead each foot is (+1: a half step in front), against the neutral stance.
  const double half_step = std::max(0.5 * gait.speed / gait.cadence, 0.15);
  std::array<double, 2> ahead{};
  for (int side : {kLeft, kRight}) {
    const double neutral = body().offset[ankle(side)].z + body().toe.z;
    ahead[side] = std::clamp((dot(f.feet[side].toe - ground_point, facing) - neutral) / half_step, -1.2, 1.2);
  }
  const double bob = gait.bob * style.bob_scale * pace * bob_phase(mids, t);
  f.pelvis = ground_point;
  f.pelvis.y = standing_height(style) - gait.drop * pace + (gait.running ? -bob : bob);
  // The pelvis turns with the leg that swings forward and dips on the side of the
  // swinging leg; the chest turns against it.
  const double pelvis_yaw = -gait.pelvis_yaw * (ahead[kLeft] - ahead[kRight]) * 0.5;
  const double roll = gait.pelvis_roll * pace * (std::sin(M_PI * swing[kRight]) - std::sin(M_PI * swing[kLeft]));
  const double lean = gait.lean * pace + 0.04 * path.acceleration(t) + style.lean * 0.5;
  f.pelvis_rotation = rot_y(yaw + pelvis_yaw) * rot_x(0.35 * lean) * rot_z(roll);
  UpperBody upper = relaxed_upper_body(style);
  upper.lean = 0.65 * lean;
  upper.twist = -1.6 * pelvis_yaw;
  upper.head_pitch = -0.8 * lean;
  upper.head_yaw = std::clamp(0.3 * path.yaw_rate(t), -0.4, 0.4);
  upper.bend = -0.5 * roll;
  for (int side : {kLeft, kRight}) {
    // Each arm swings with the opposite leg, bending the elbow more on the way forward.
    const double flex = gait.arm_swing * style.arm_swing * ahead[1 - side] * std::min(1.0, 0.3 + pace);
    upper.arm[side].flex = 0.03 + flex;
    upper.arm[side].elbow = style.elbow + gait.elbow_extra * pace + 0.25 * std::max(flex, 0.0);
  }
  pose_upper_body(upper, f.local);
  return f;
}

const std::string& required(const std::string& value, const char* what, const std::string& action) {
  if (value.empty()) throw UsageError(action + " needs a " + what);
  return value;
}

// Reads the gait of walk, run or side_step at a speed from the config.
Gait configured_gait(const std::string& action, const std::string& speed, const Style& style, Rng& rng) {
  const std::string g = "gait/" + speed + "/";
  Gait gait;
  gait.speed = action_range(action, g + "speed").draw(rng) * style.step_scale * style.cadence_scale;
  gait.cadence = action_range(action, g + "cadence").draw(rng) * style.cadence_scale;
  gait.duty = action_number(action, g + "duty");
  gait.clearance = action_number(action, g + "clearance");
  gait.bob = action_number(action, g + "bob");
  gait.drop = action_number(action, g + "drop");
  gait.land_pitch = radians(action_number(action, "heel_strike"));
  gait.leave_pitch = radians(action_number(action, "toe_off"));
  gait.swing_pitch = radians(action_number(action, "swing_pitch"));
  gait.lean = radians(action_range(action, "lean").draw(rng));
  gait.arm_swing = action_number(action, "arm_swing_scale");
  gait.elbow_extra = radians(action_range(action, "elbow_extra").draw(rng));
  gait.pelvis_yaw = radians(action_range(action, "pelvis_yaw").draw(rng));
  gait.pelvis_roll = radians(action_range(action, "pelvis_roll").draw(rng));
  gait.accel_time = action_range(action, "acceleration_time").draw(rng);
  gait.running = action == "run";
  gait.lead = rng.chance(0.5) ? kLeft : kRight;
  return gait;
}

double turn_sign(const std::string& direction, const std::string& side) {
  if (direction == "left" || direction == "turning_left") return 1;
  if (direction == "right" || direction == "turning_right") return -1;
  return side == "right" ? -1 : 1;  // a circle turns the way its side says; "around" either way
}

// Walk and run: forward, backward, turning into a direction, curving or in a circle.
void plan_travel(const ActionSpec& spec, const ActionContext& ctx, Gait& gait, PathPlan& plan, Rng& rng) {
  const auto& a = spec.action;
  const auto& direction = required(spec.direction, "direction", a);
  gait.half_width = action_range(a, "stance_half_width").draw(rng);
  const bool circle = direction == "circle";
  const auto duration = action_range(a, circle ? "circle_duration" : ctx.in_sequence ? "sequence_duration" : "duration");
  plan.move_time = duration.draw(rng) * ctx.duration_scale;
  if (direction == "backward") {
    gait.travel_angle = M_PI;
    gait.speed *= action_number(a, "backward_speed_scale");
    gait.cadence *= action_number(a, "backward_cadence_scale");
    // Walking backwards lands on the toes and leaves over the heel.
    gait.land_pitch = -0.6 * gait.land_pitch;
    gait.leave_pitch = -0.3 * gait.leave_pitch;
    gait.swing_pitch = 0;
    gait.lean *= 0.3;
  } else if (direction == "left" || direction == "right") {
    plan.profile = Turn::early;
    plan.turn = turn_sign(direction, spec.side) * radians(rng.uniform(80, 100));
    plan.turn_distance = action_range(a, "turn_into").draw(rng);
  } else if (direction == "turning_left" || direction == "turning_right" || circle) {
    plan.profile = Turn::steady;
    plan.turn = turn_sign(direction, spec.side) * (circle ? 2 * M_PI : radians(action_range(a, "turning").draw(rng)));
  }
}

// Turning in place: small steps while the heading turns about 90 or 180 degrees.
void plan_turn_in_place(const ActionSpec& spec, const ActionContext& ctx, Gait& gait, PathPlan& plan, Rng& rng) {
  const std::string a = "turn";
  const auto& direction = required(spec.direction, "direction", a);
  const auto& speed = required(spec.speed, "speed", a);
  const bool around = direction == "around";
  plan.profile = Turn::in_place;
  plan.turn = (around ? (rng.chance(0.5) ? 1 : -1) : turn_sign(direction, "")) *
              radians(action_range(a, around ? "around_angle" : "angle").draw(rng));
  plan.move_time = action_range(a, "quarter_turn_time/" + speed).draw(rng) * ctx.style.tempo *
                   (around ? action_number(a, "around_time_scale") : 1.0);
  gait.speed = 0;
  gait.cadence = action_range(a, "cadence/" + speed).draw(rng) * ctx.style.cadence_scale;
  gait.duty = action_number(a, "duty");
  gait.clearance = action_number(a, "clearance");
  gait.bob = 0.008, gait.drop = 0.015;
  gait.land_pitch = radians(action_number(a, "heel_strike"));
  gait.leave_pitch = radians(action_number(a, "toe_off"));
  gait.arm_swing = action_number(a, "arm_swing_scale");
  gait.half_width = ctx.style.stance_half_width;
  // Turning left opens with the left foot.
  gait.lead = plan.turn > 0 ? kLeft : kRight;
}

// Side steps: the leading foot opens the stance by a step, the trailing one closes it
// to a gap, so the feet never cross.
void plan_side_steps(const ActionSpec& spec, const ActionContext& ctx, Gait& gait, PathPlan& plan, Rng& rng) {
  const std::string a = "side_step";
  const auto& direction = required(spec.direction, "direction", a);
  gait.travel_angle = direction == "left" ? M_PI / 2 : -M_PI / 2;
  gait.lead = direction == "left" ? kLeft : kRight;
  gait.half_width = 0.5 * (action_range(a, "feet_gap").draw(rng) + gait.speed / gait.cadence);
  plan.move_time = action_range(a, ctx.in_sequence ? "sequence_duration" : "duration").draw(rng) * ctx.duration_scale;
}

}  // namespace

ActionTrack build_locomotion(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng) {
  const auto& a = spec.action;
  Gait gait;
  PathPlan plan;
  if (a == "turn") {
    plan_turn_in_place(spec, ctx, gait, plan, rng);
  } else {
    gait = configured_gait(a, required(spec.speed, "speed", a), ctx.style, rng);
    if (a == "side_step") plan_side_steps(spec, ctx, gait, plan, rng);
    else plan_travel(spec, ctx, gait, plan, rng);
  }
  const Path path(gait, plan, start.ground, start.yaw);
  const StepPlan steps(gait, path, start, ctx.style, rng);
  const auto mids = steps.mid_stances();
  const double end = std::max(path.end(), steps.last_landing() + steps.land_time()) + 0.1;
  ActionTrack out;
  const int n = frame_count(end, ctx.fps);
  for (int i = 0; i < n; ++i) out.frames.push_back(gait_frame(gait, path, steps, mids, ctx.style, i / ctx.fps));
  out.end.ground = path.position(path.end());
  out.end.ground.y = 0;
  out.end.yaw = path.yaw(path.end());
  out.end.feet = steps.end_feet();
  return out;
}

}  // namespace gen::humans
