import chisel3._
import chisel3.util._

class TopModule extends RawModule {
  val clk   = IO(Input(Clock()))
  val areset = IO(Input(Bool()))
  val in    = IO(Input(UInt(8.W)))
  val out   = IO(Output(Bool()))

  // Register to keep the current state
  val state = RegInit(0.U(2.W))

  // Moore state machine
  when(state === 0.U) {
    out := 0.U
    state := 1.U
  } .otherwise {
    out := 1.U
    state := 0.U
  }

  // Reset logic
  when(areset) {
    state := 0.U
  }
}
