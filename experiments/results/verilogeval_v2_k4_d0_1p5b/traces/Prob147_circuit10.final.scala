import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val a     = Input(Bool())
    val b     = Input(Bool())
    val q     = Output(Bool())
    val state = Output(Bool())
  })
  val flipFlop = RegInit(false.B)
  val state = flipFlop ^ io.a ^ io.b
  flipFlop := io.a ^ io.b
  io.q := flipFlop
  io.state := state
}
