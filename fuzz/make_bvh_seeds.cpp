// Writes the BVH fuzzer's starting corpus into folder argv[1]: short motions written by
// the project's own writer (smpl22 with rotations, positions only through IK, another
// rig) and hand-written files in other conventions (centimetres, XYZ and YXZ channel
// orders, 6 channels on every joint, fixed joints, braces on the name line, SMPL names
// with extra joints), so the fuzzer starts from every construct the reader accepts.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gen/error.h>
#include <gen/motion/bvh.h>

#include "../tests/support/motion_fixtures.h"

namespace {

const char* kOtherConventions = R"(HIERARCHY
ROOT Hips {
  OFFSET 0 90 0
  CHANNELS 6 Xposition Yposition Zposition Xrotation Yrotation Zrotation
  JOINT Spine
  {
    OFFSET 0 10 0
    CHANNELS 3 Yrotation Xrotation Zrotation
    End Site
    {
      OFFSET 0 10 0
    }
  }
  JOINT LeftUpLeg
  {
    OFFSET 10 0 0
    CHANNELS 6 Xposition Yposition Zposition Zrotation Yrotation Xrotation
    JOINT LeftFoot
    {
      OFFSET 0 -40 0
      CHANNELS 0
      End Site
      {
        OFFSET 0 0 10
      }
    }
  }
}
MOTION
Frames: 2
Frame Time: 0.0333333
0 90 0 0 0 0 0 0 0 10 0 0 0 0 0
+1.5e2 90 50 0 90 0 90 0 0 10 0 0 -90 0 0
)";

const char* kSmplNames = R"(HIERARCHY
ROOT m_avg_root
{
	OFFSET 0 0 0
	CHANNELS 0
	JOINT Pelvis
	{
		OFFSET 0 0.9 0
		CHANNELS 3 Zrotation Xrotation Yrotation
		JOINT L_Hip
		{
			OFFSET 0.06 -0.09 0
			CHANNELS 3 Zrotation Xrotation Yrotation
			JOINT L_Hand
			{
				OFFSET 0 -0.1 0
				CHANNELS 1 Xrotation
				End Site
				{
					OFFSET 0 -0.05 0
				}
			}
		}
	}
}
MOTION
Frames: 1
Frame Time: 0.05
0 0 0 10 20 30 45
)";

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FOLDER\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  namespace m = gen::motion;
  try {
    const auto walk = gen::test::walking_motion(3, 20, 30);
    write(dir / "smpl22-rotations.bvh", m::encode_bvh(walk));
    auto positions_only = gen::test::walking_motion(2, 30, 200);
    positions_only.rotations = torch::Tensor();
    write(dir / "smpl22-ik.bvh", m::encode_bvh(positions_only));
    auto rig = m::decode_bvh(kOtherConventions, "seed");
    write(dir / "rig-rewritten.bvh", m::encode_bvh(rig));
    write(dir / "other-conventions.bvh", kOtherConventions);
    write(dir / "smpl-names.bvh", kSmplNames);
  } catch (const gen::Error& e) {
    std::fprintf(stderr, "make_bvh_seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
