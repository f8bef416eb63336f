import chisel3._
import chisel3.util._

class TrafficLight extends Module {
  val io = IO(new Bundle {
    val en    = Input(Bool())
    val light = Output(UInt(2.W))
    val timer = Output(UInt(3.W))
  })

  // Enum for traffic light states
  object TrafficLightState extends ChiselEnum {
    val green = Value(0.U)
    val yellow = Value(1.U)
    val red = Value(2.U)
  }

  // Counter for timer
  class TimerCounter extends Counter(3.U) {
    override def nextValue = (value + 1.U).asUInt
  }

  // State register
  class TrafficLightStateReg extends RegInit(TrafficLightState.green) {
    override def nextValue = switch(io.en) {
      case true =>
        val nextState = switch(light) {
          case TrafficLightState.green =>
            TrafficLightState.yellow
          case TrafficLightState.yellow =>
            TrafficLightState.red
          case TrafficLightState.red =>
            TrafficLightState.green
        }
        val timer = new TimerCounter()
        timer.enable := true.B
        timer.reset := false.B
        nextState
      case false =>
        light
    }
  }

  // Traffic light state register
  val stateReg = new TrafficLightStateReg()

  // Light output
  val lightOutput = RegInit(TrafficLightState.green)
  lightOutput := stateReg

  // Timer output
  val timerOutput = RegInit(3.U)
  timerOutput := new TimerCounter()
  timerOutput.enable := true.B
  timerOutput.reset := false.B

  // Update timer on every rising clock edge
  when(io.en) {
    val nextTimer = timerOutput.nextValue
    timerOutput := nextTimer
  }
}
