import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val d     = Input(UInt(1.W))
    val q     = Output(UInt(1.W))
  })
  val dFlipFlop = RegInit(0.U)
  dFlipFlop := dFlipFlop ^ io.d
  io.q := dFlipFlop
}
