import chisel3._
import chisel3.util._

class FSMOnOff extends Module {
  val io = IO(new Bundle {
    val toggle = Input(Bool())
    val state  = Output(Bool())
  })

  val state = RegInit(false.B)
  when(io.toggle) { state := !state }

  io.state := state
}
