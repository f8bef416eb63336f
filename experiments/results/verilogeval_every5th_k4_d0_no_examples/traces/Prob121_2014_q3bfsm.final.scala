import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk = Input(Clock())
    val reset = Input(Bool())
    val x = Input(Bool())
    val z = Output(Bool())
  })
  val state = RegInit(0.U(3.W))
  val z = RegInit(false.B)
  when(reset.asBool) { state := 0.U }
  .otherwise {
    state := state + 1.U
    z := state(0) ^ state(1) ^ state(2)
  }
  io.z := z
}
