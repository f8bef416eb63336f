import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk = Input(Clock())
    val reset = Input(Bool())
    val in = Input(UInt(32.W))
    val out = Output(UInt(32.W))
  })
  val register = RegInit(0.U(32.W))
  when(io.reset) { register := 0.U }
  when(io.in && register.asUInt(32.W).asBool xorR) { register := register + 1.U }
  io.out := register
}
