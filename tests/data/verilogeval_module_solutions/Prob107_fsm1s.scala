import chisel3._
import chisel3.util._

// A two-state Moore FSM with an active-high synchronous reset to state B.
class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(Bool())
    val out = Output(Bool())
  })
  object State extends ChiselEnum { val A, B = Value }
  import State._
  val state = RegInit(B)
  when(!io.in) { state := Mux(state === A, B, A) }
  io.out := state === B
}
