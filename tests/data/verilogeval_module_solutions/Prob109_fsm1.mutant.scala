import chisel3._
import chisel3.util._

// The same Moore FSM with an active-high asynchronous reset (`areset`) to state B.
class TopModule extends Module with RequireAsyncReset {
  val io = IO(new Bundle {
    val in  = Input(Bool())
    val out = Output(Bool())
  })
  object State extends ChiselEnum { val A, B = Value }
  import State._
  val state = RegInit(B)
  switch(state) {
    is(A) { state := Mux(io.in, A, B) }
    is(B) { state := Mux(io.in, A, B) }
  }
  io.out := state === B
}
