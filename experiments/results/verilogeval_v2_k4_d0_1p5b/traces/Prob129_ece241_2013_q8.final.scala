import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val x     = Input(UInt(1.W))
    val z     = Output(Bool())
  })
  val state = RegInit(0.U(1.W)) // reset is the implicit reset: the harness inverts it
  when(state === 0.U) {
    when(io.x === 1.U) { state := 1.U }
  }
  io.z := state === 1.U
}
