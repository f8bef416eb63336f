import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val in    = Input(UInt(1.W))
    val out   = Output(UInt(1.W))
  })
  val flipFlop = RegInit(false.B)
  flipFlop := flipFlop ^ io.in
  io.out := flipFlop
}
