import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val in    = Input(UInt(8.W))
    val done     = Input(Bool())
    val state    = Output(UInt(2.W))
    val moving   = Output(Bool())
  })
  import DoorState._
  val state = RegInit(Closed)
  switch(state) {
    is(Closed)  { when(io.openReq) { state := Opening } }
    is(Opening) { when(io.done) { state := Open } }
    is(Open)    { when(io.closeReq) { state := Closing } }
    is(Closing) { when(io.done) { state := Closed } }
  }
  io.state  := state.asUInt
  io.moving := state === Opening || state === Closing
}
