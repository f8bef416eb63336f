import chisel3._
import chisel3.util._

class FSMOnOff extends Module {
  val io = IO(new Bundle {
    val toggle = Input(Bool())
    val state = Output(Bool())
  })

  // Enum representing states
  val OFF = 0.U
  val ON = 1.U

  // State register with a reset value
  val currentState = RegInit(OFF)

  // FSM logic
  when(io.toggle) {
    currentState := currentState.asUInt + 1.U
  }

  io.state := currentState === ON
}
