// Jumping, once or repeatedly, in place or in a direction: crouch (arms swing back),
// push off rolling onto the toes (arms swing up), a ballistic flight under gravity,
// landing on the toes and absorbing into the knees, then the next push (rebound) or
// standing back up. In flight the feet move with the pelvis, tucking a little.
#include <functional>

#include <gen/error.h>

#include "action_track.h"
#include "curve.h"
#include "upper_body.h"
#include "world_config.h"

namespace gen::humans {

namespace {

constexpr double kGravity = 9.81;

int jump_count(const std::string& repetitions, Rng& rng) {
  if (repetitions == "once") return 1;
  if (repetitions == "twice") return 2;
  if (repetitions == "three_times") return 3;
  if (repetitions == "repeatedly") {
    const auto r = action_range("jump", "repeatedly");
    return rng.integer(static_cast<int>(r.lo), static_cast<int>(r.hi));
  }
  throw UsageError("jump needs repetitions");
}

double jump_angle(const std::string& direction) {
  if (direction == "backward") return M_PI;
  if (direction == "left") return M_PI / 2;
  if (direction == "right") return -M_PI / 2;
  return 0;
}

struct Flight {
  double off = 0, land = 0;  // take-off and touch-down times
  double settled = 0;        // the pelvis's travel once the landing is absorbed: the feet land under it
};

// The channels of a whole jumping sequence, keyed phase by phase.
struct JumpPlan {
  Curve height, travel, lean, arm_flex, elbow, pitch;
  std::vector<Flight> flights;
  double end = 0;
  double takeoff_height = 0;
  double tuck = 0;
};

// Keys the channels phase after phase; each phase starts where the previous one ended
// (time t, travel x).
class JumpPlanner {
 public:
  JumpPlanner(const Style& style, Rng& rng) : style_(style), rng_(rng) {
    const double toe_point = radians(draw("toe_point"));
    // Rolling onto the toes raises the ankle; the legs then straighten fully.
    const auto& b = body();
    const double ankle_rise = -b.toe.y * std::cos(toe_point) + b.toe.z * std::sin(toe_point) + b.toe.y;
    p_.takeoff_height = b.rest_height + ankle_rise - 0.01;
    p_.tuck = draw("tuck");
    toe_point_ = toe_point;
    stand_ = standing_height(style);
    lean_ = radians(draw("lean")), arm_back_ = radians(draw("arm_back")), arm_up_ = radians(draw("arm_up"));
    key_pose(stand_, style.lean * 0.5, 0.03, style.elbow);
    p_.travel.key(0, 0);
    p_.pitch.key(0, 0);
  }

  // Down into the knees with the arms swung back.
  void crouch() {
    t_ += draw("crouch_time") * style_.tempo;
    key_pose(stand_ - draw("crouch_depth"), lean_, -arm_back_, style_.elbow + 0.1);
    p_.pitch.key(t_, 0);
  }

  // Push-off onto the toes, then the ballistic flight; then the landing absorbed into
  // the knees — deeper for the last jump, a rebound into the next one otherwise.
  void jump(double distance, bool last) {
    const double rise = std::max(draw("height"), 0.08), v0 = std::sqrt(2 * kGravity * rise);
    const double flight_time = 2 * v0 / kGravity;
    const double push = draw("push_time"), absorb = draw("absorb_time");
    // The horizontal speed that carries the body `distance` over push, flight and absorb.
    const double vx = distance / (0.5 * push + flight_time + 0.5 * absorb);
    p_.pitch.key(t_ + 0.4 * push, 0);
    t_ += push;
    x_ += 0.5 * vx * push;
    p_.height.key(t_, p_.takeoff_height, v0);
    p_.travel.key(t_, x_, vx);
    key_upper(radians(5), arm_up_, style_.elbow + 0.2);
    p_.pitch.key(t_, toe_point_);
    Flight f;
    f.off = t_;
    f.land = t_ + flight_time;
    // Ballistic: keys at take-off, apex and landing with the exact slopes; a cubic
    // through them is the parabola itself.
    p_.height.key(t_ + 0.5 * flight_time, p_.takeoff_height + rise, 0);
    t_ = f.land;
    x_ += vx * flight_time;
    p_.height.key(t_, p_.takeoff_height, -v0);
    p_.travel.key(t_, x_, vx);
    p_.lean.key(t_, radians(3));
    p_.arm_flex.key(t_, 0.6 * arm_up_);
    p_.pitch.key(t_, 0.7 * toe_point_);
    // Toes then heels touch down, the knees give.
    const double bottom = stand_ - (last ? draw("absorb_depth") : draw("rebound_depth"));
    const double settle = last ? absorb : draw("rebound_time");
    p_.pitch.key(t_ + 0.45 * settle, 0);
    t_ += settle;
    x_ += 0.5 * vx * absorb;
    p_.travel.key(t_, x_);
    key_pose(bottom, last ? 0.6 * lean_ : lean_, last ? 0.35 : -arm_back_, style_.elbow + 0.3);
    f.settled = x_;
    p_.flights.push_back(f);
  }

  // Back up to standing at ease.
  JumpPlan recover() {
    t_ += draw("recover_time") * style_.tempo;
    key_pose(stand_, style_.lean * 0.5, 0.03, style_.elbow);
    p_.end = t_ + 0.1;
    return p_;
  }

 private:
  double draw(const char* key) { return action_range("jump", key).draw(rng_); }
  void key_upper(double lean, double arm_flex, double elbow) {
    p_.lean.key(t_, lean);
    p_.arm_flex.key(t_, arm_flex);
    p_.elbow.key(t_, elbow);
  }
  void key_pose(double height, double lean, double arm_flex, double elbow) {
    p_.height.key(t_, height);
    key_upper(lean, arm_flex, elbow);
  }

  const Style& style_;
  Rng& rng_;
  JumpPlan p_;
  double t_ = 0, x_ = 0;
  double stand_ = 0, toe_point_ = 0, lean_ = 0, arm_back_ = 0, arm_up_ = 0;
};

// The feet: planted (their toes rolling by the plan's pitch), or in flight carried with
// the pelvis from where they took off to where they land, tucking up a little.
FootTarget jump_foot(const JumpPlan& plan, const FootTarget& start_foot, const std::vector<Vec3>& planted, double t,
                     const std::function<Vec3(double)>& pelvis_at) {
  size_t landed = 0;
  const Flight* flying = nullptr;
  for (const auto& fl : plan.flights) {
    if (t >= fl.land) ++landed;
    else if (t > fl.off) flying = &fl;
  }
  FootTarget foot = start_foot;
  foot.pitch = plan.pitch(t);
  if (!flying) {
    foot.toe = start_foot.toe + planted[landed];
    return foot;
  }
  const size_t j = static_cast<size_t>(flying - plan.flights.data());
  const double u = (t - flying->off) / (flying->land - flying->off);
  const Vec3 now = pelvis_at(t);
  const Vec3 from = start_foot.toe + planted[j] + (now - pelvis_at(flying->off));
  const Vec3 to = start_foot.toe + planted[j + 1] + (now - pelvis_at(flying->land));
  foot.toe = lerp(from, to, smoothstep(u)) + Vec3{0, plan.tuck * std::sin(M_PI * u), 0};
  foot.contact = false;
  return foot;
}

}  // namespace

ActionTrack build_jump(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng) {
  const int count = jump_count(spec.repetitions, rng);
  const std::string direction = spec.direction.empty() ? "in_place" : spec.direction;
  const double distance = action_range("jump", "distance/" + direction).draw(rng);
  const Vec3 along = heading(start.yaw + jump_angle(direction));
  JumpPlanner planner(ctx.style, rng);
  planner.crouch();
  for (int j = 0; j < count; ++j) planner.jump(distance, j + 1 == count);
  const JumpPlan plan = planner.recover();
  auto pelvis_at = [&](double t) {
    Vec3 p = start.ground + along * plan.travel(t);
    p.y = plan.height(t);
    return p;
  };
  // The feet's displacement after landing j: the pelvis is centred over them again
  // once the landing is absorbed.
  std::vector<Vec3> planted{Vec3{}};
  for (const auto& fl : plan.flights) planted.push_back(along * fl.settled);
  ActionTrack out;
  out.count = count;
  const int n = frame_count(plan.end, ctx.fps);
  for (int i = 0; i < n; ++i) {
    const double t = i / ctx.fps;
    BodyFrame f;
    f.pelvis = pelvis_at(t);
    const double lean = plan.lean(t);
    f.pelvis_rotation = rot_y(start.yaw) * rot_x(0.4 * lean);
    UpperBody upper = relaxed_upper_body(ctx.style);
    upper.lean = 0.6 * lean;
    upper.head_pitch = -0.7 * lean;
    for (int side : {kLeft, kRight}) upper.arm[side] = {plan.arm_flex(t), ctx.style.arm_abduct + 0.1, plan.elbow(t)};
    pose_upper_body(upper, f.local);
    for (int side : {kLeft, kRight}) f.feet[side] = jump_foot(plan, start.feet[side], planted, t, pelvis_at);
    out.frames.push_back(f);
  }
  out.end = start;
  out.end.ground = start.ground + planted.back();
  for (int side : {kLeft, kRight}) out.end.feet[side].toe = start.feet[side].toe + planted.back();
  return out;
}

}  // namespace gen::humans
