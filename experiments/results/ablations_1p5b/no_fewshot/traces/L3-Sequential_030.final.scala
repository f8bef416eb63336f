import chisel3._
import chisel3.util._

class ShiftReg4stage extends Module {
  val io = IO(new Bundle {
    val in = Input(Bool())
    val out = Output(Bool())
  })

  // Input delay
  val delay1 = RegInit(false.U(1.W))
  val delay2 = RegInit(false.U(1.W))
  val delay3 = RegInit(false.U(1.W))
  val delay4 = RegInit(false.U(1.W))

  // Output delay
  val out1 = RegInit(false.U(1.W))
  val out2 = RegInit(false.U(1.W))
  val out3 = RegInit(false.U(1.W))
  val out4 = RegInit(false.U(1.W))

  // State
  val state = RegInit(false.U(4.W))

  // Clock and Reset
  val clk = Module.ClockAndReset("clk", reset = true).io

  // Register updates
  when(clk.fire) {
    val input = io.in
    val stateVal = state
    val delayed = stateVal(0) | (stateVal(1) << 1) | (stateVal(2) << 2) | (stateVal(3) << 3)

    state := RegNext(delayed)
    delay1 := RegNext(input)
    delay2 := RegNext(delay1)
    delay3 := RegNext(delay2)
    delay4 := RegNext(delay3)
    out1 := RegNext(delay4)
    out2 := RegNext(out1)
    out3 := RegNext(out2)
    out4 := RegNext(out3)
  }

  // Output
  io.out := RegNext(out4)
}
