import chisel3._
import chisel3.util._

class FSMOnOff extends Module {
  val io = IO(new Bundle {
    val toggle = Input(Bool())
    val state  = Output(Bool())
  })
  val stateReg = RegInit(false.B)
  when(io.toggle) { stateReg := !stateReg }
  io.state := stateReg
}
