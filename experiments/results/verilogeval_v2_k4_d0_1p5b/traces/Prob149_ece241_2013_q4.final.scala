import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = IO(Input(Clock()))
    val reset = IO(Input(Bool()))
    val s    = IO(Input(UInt(3.W)))
    val fr2 = Output(Bool())
    val fr1 = Output(Bool())
    val fr0 = Output(Bool())
    val dfr = Output(Bool())
  })
  val fr2 = RegInit(false.B)
  val fr1 = RegInit(false.B)
  val fr0 = RegInit(false.B)
  val dfr = RegInit(false.B)
  val state = RegInit(DoorState.Closed)
  switch(state) {
    is(DoorState.Closed)  { when(io.openReq) { state := DoorState.Opening } }
    is(DoorState.Opening) { when(io.done) { state := DoorState.Open } }
    is(DoorState.Open)    { when(io.closeReq) { state := DoorState.Closing } }
    is(DoorState.Closing) { when(io.done) { state := DoorState.Closed } }
  }
  io.state  := state.asUInt
  io.moving := state === DoorState.Opening || state === DoorState.Closing
}
