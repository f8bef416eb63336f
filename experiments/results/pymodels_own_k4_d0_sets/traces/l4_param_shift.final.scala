import chisel3._

class ParamShiftReg(width: Int = 8, depth: Int = 4) extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val in = Input(UInt(width.W))
    val out = Output(UInt(width.W))
  })

  val stages = RegInit(VecInit(Seq.fill(depth)(0.U(width.W))))
  stages(0) := io.in

  for (k <- 1 until depth) {
    stages(k) := stages(k - 1)
  }

  when (io.en) {
    stages(depth - 1) := io.in
  }

  io.out := stages(depth - 1)
}
