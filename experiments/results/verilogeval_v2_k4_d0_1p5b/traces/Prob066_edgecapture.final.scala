import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val in    = IO(Input(UInt(32.W)))
    val out   = Output(UInt(32.W))
  })
  val register = RegInit(0.U(32.W))
  register := register ^ io.in
  io.out := register
}
