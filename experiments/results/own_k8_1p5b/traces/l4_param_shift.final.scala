import chisel3._
import chisel3.util._

class ParamShiftReg(width: Int = 8, depth: Int = 4) extends Module {
  val io = IO(new Bundle {
    val en    = Input(Bool())
    val in    = Input(UInt(width.W))
    val out   = Output(UInt(width.W))
  })
  val prev  = RegNext(io.in, false.B)
  val count = RegInit(0.U(width.W))
  when(io.en && !prev) { count := count + 1.U }
  io.out := count
}
