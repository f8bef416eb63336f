import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val d     = Input(Bool())
    val r     = Input(Bool())
    val q     = Output(Bool())
  })
  val dFlipFlop = RegInit(false.B)
  when(io.d) { dFlipFlop := true.B }
  when(io.r) { dFlipFlop := false.B }
  io.q := dFlipFlop
}
