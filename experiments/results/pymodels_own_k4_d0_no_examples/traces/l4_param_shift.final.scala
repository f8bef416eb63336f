import chisel3._
import chisel3.util._

class ParamShiftReg(width: Int = 8, depth: Int = 4) extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val in = Input(UInt(width.W))
    val out = Output(UInt(width.W))
  })
  val regArray = RegInit(VecInit(Seq.fill(depth)(0.U(width.W))))
  val prev = RegNext(io.in, false.B)
  val count = RegInit(0.U(width.W))

  when(io.en && !prev) {
    regArray(0) := io.in
    for (i <- 1 until depth) {
      regArray(i) := regArray(i - 1)
    }
    count := count + 1.U
  }

  io.out := regArray(depth - 1)
}
