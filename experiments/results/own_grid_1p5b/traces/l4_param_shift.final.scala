import chisel3._
import chisel3.util._

class ParamShiftReg(width: Int = 8, depth: Int = 4) extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val in = Input(UInt(width.W))
    val out = Output(UInt(width.W))
  })

  val prev  = RegInit(0.U(width.W))
  val count = RegInit(0.U(width.W))
  val reg   = RegInit(VecInit.fill(depth)(0.U(width.W)))

  when(io.en) {
    reg(0) := io.in
    for (i <- 1 until depth) {
      reg(i) := reg(i - 1)
    }
    count := count + 1.U
  }

  io.out := reg(depth - 1)
}
