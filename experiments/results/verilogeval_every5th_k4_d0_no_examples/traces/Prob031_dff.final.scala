import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk = Input(Clock())
    val d  = Input(Bool())
    val q  = Output(Bool())
  })
  val flipFlop = RegInit(false.B)
  flipFlop := flipFlop ^ io.d
  io.q := flipFlop
}
