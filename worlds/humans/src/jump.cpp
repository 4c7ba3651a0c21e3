// Jumping, once or repeatedly, in place or in a direction: crouch (arms swing back),
// push off rolling onto the toes (arms swing up), a ballistic flight under gravity,
// landing on the toes and absorbing into the knees, then the next push (rebound) or
// standing back up. In flight the feet move with the pelvis, tucking a little.
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

JumpPlan plan_jumps(int count, double distance, const Style& style, Rng& rng) {
  auto draw = [&](const char* key) { return action_range("jump", key).draw(rng); };
  JumpPlan p;
  const double stand = standing_height(style);
  const double toe_point = radians(draw("toe_point"));
  // Rolling onto the toes raises the ankle; the legs then straighten fully.
  const auto& b = body();
  const double ankle_rise = -b.toe.y * std::cos(toe_point) + b.toe.z * std::sin(toe_point) + b.toe.y;
  p.takeoff_height = b.rest_height + ankle_rise - 0.01;
  p.tuck = draw("tuck");
  double t = 0, x = 0;
  p.height.key(0, stand);
  p.travel.key(0, 0);
  p.lean.key(0, style.lean * 0.5);
  p.arm_flex.key(0, 0.03);
  p.elbow.key(0, style.elbow);
  p.pitch.key(0, 0);
  const double lean = radians(draw("lean")), arm_back = radians(draw("arm_back")), arm_up = radians(draw("arm_up"));
  for (int j = 0; j < count; ++j) {
    // Crouch: a full one before the first jump; later ones rebound out of the landing.
    const double crouch_time = (j == 0 ? draw("crouch_time") : 0) * style.tempo;
    const double depth = j == 0 ? draw("crouch_depth") : 0;
    if (j == 0) {
      t += crouch_time;
      p.height.key(t, stand - depth);
      p.lean.key(t, lean);
      p.arm_flex.key(t, -arm_back);
      p.elbow.key(t, style.elbow + 0.1);
      p.pitch.key(t, 0);
    }
    const double rise = std::max(draw("height"), 0.08), v0 = std::sqrt(2 * kGravity * rise);
    const double flight_time = 2 * v0 / kGravity;
    const double push = draw("push_time"), absorb = draw("absorb_time");
    // The horizontal speed that carries the body `distance` over push, flight and absorb.
    const double vx = distance / (0.5 * push + flight_time + 0.5 * absorb);
    p.pitch.key(t + 0.4 * push, 0);
    t += push;
    x += 0.5 * vx * push;
    p.height.key(t, p.takeoff_height, v0);
    p.travel.key(t, x, vx);
    p.lean.key(t, radians(5));
    p.arm_flex.key(t, arm_up);
    p.elbow.key(t, style.elbow + 0.2);
    p.pitch.key(t, toe_point);
    Flight f;
    f.off = t;
    f.land = t + flight_time;
    // Ballistic: keys at take-off, apex and landing with the exact slopes; a cubic
    // through them is the parabola itself.
    p.height.key(t + 0.5 * flight_time, p.takeoff_height + rise, 0);
    t = f.land;
    x += vx * flight_time;
    p.height.key(t, p.takeoff_height, -v0);
    p.travel.key(t, x, vx);
    p.lean.key(t, radians(3));
    p.arm_flex.key(t, 0.6 * arm_up);
    p.pitch.key(t, 0.7 * toe_point);
    // Absorb: toes then heels touch down, the knees give.
    const bool last = j + 1 == count;
    const double bottom = stand - (last ? draw("absorb_depth") : draw("rebound_depth"));
    const double settle = last ? absorb : draw("rebound_time");
    p.pitch.key(t + 0.45 * settle, 0);
    t += settle;
    x += 0.5 * vx * absorb;
    p.height.key(t, bottom);
    p.travel.key(t, x);
    p.lean.key(t, last ? 0.6 * lean : lean);
    p.arm_flex.key(t, last ? 0.35 : -arm_back);
    p.elbow.key(t, style.elbow + 0.3);
    f.settled = x;
    p.flights.push_back(f);
  }
  t += draw("recover_time") * style.tempo;
  p.height.key(t, stand);
  p.lean.key(t, style.lean * 0.5);
  p.arm_flex.key(t, 0.03);
  p.elbow.key(t, style.elbow);
  p.end = t + 0.1;
  return p;
}

}  // namespace

ActionTrack build_jump(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng) {
  const int count = jump_count(spec.repetitions, rng);
  const std::string direction = spec.direction.empty() ? "in_place" : spec.direction;
  const double distance = action_range("jump", "distance/" + direction).draw(rng);
  const Vec3 along = heading(start.yaw + jump_angle(direction));
  const JumpPlan plan = plan_jumps(count, distance, ctx.style, rng);
  ActionTrack out;
  out.count = count;
  const int n = frame_count(plan.end, ctx.fps);
  auto pelvis_at = [&](double t) {
    Vec3 p = start.ground + along * plan.travel(t);
    p.y = plan.height(t);
    return p;
  };
  // The feet's displacement after landing j: the pelvis is centred over them again
  // once the landing is absorbed.
  std::vector<Vec3> planted{Vec3{}};
  for (const auto& fl : plan.flights) planted.push_back(along * fl.settled);
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
    // Which flight (if any) the time is in, and how many landings came before.
    size_t landed = 0;
    const Flight* flying = nullptr;
    for (const auto& fl : plan.flights) {
      if (t >= fl.land) ++landed;
      else if (t > fl.off) flying = &fl;
    }
    const double pitch = plan.pitch(t);
    for (int side : {kLeft, kRight}) {
      FootTarget foot = start.feet[side];
      foot.pitch = pitch;
      if (flying) {
        const size_t j = static_cast<size_t>(flying - plan.flights.data());
        const double u = (t - flying->off) / (flying->land - flying->off);
        const Vec3 from = start.feet[side].toe + planted[j] + (f.pelvis - pelvis_at(flying->off));
        const Vec3 to = start.feet[side].toe + planted[j + 1] + (f.pelvis - pelvis_at(flying->land));
        foot.toe = lerp(from, to, smoothstep(u)) + Vec3{0, plan.tuck * std::sin(M_PI * u), 0};
        foot.contact = false;
      } else {
        foot.toe = start.feet[side].toe + planted[landed];
      }
      f.feet[side] = foot;
    }
    out.frames.push_back(f);
  }
  out.end = start;
  out.end.ground = start.ground + planted.back();
  for (int side : {kLeft, kRight}) out.end.feet[side].toe = start.feet[side].toe + planted.back();
  return out;
}

}  // namespace gen::humans
