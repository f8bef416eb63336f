import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val in    = Input(UInt(8.W))
    val out_byte = Output(UInt(8.W))
    val done = Output(Bool())
  })
  val state = RegInit(0.U(2.W)) // 0: idle, 1: start bit, 2: data, 3: stop bit
  val data = RegInit(0.U(8.W))
  val peak = RegInit(0.U(8.W))
  val doneFlag = RegInit(false.B)
  val startFlag = RegInit(false.B)
  val stopFlag = RegInit(false.B)
  val idleFlag = RegInit(true.B)

  when(state === 0.U) {
    when(io.in === 0.U) {
      startFlag := true.B
      state := 1.U
    }
  } .elsewhen(state === 1.U) {
    when(io.in === 0.U) {
      startFlag := false.B
      state := 2.U
    } .elsewhen(io.in === 1.U) {
      data := data + 1.U
      state := 2.U
    }
  } .elsewhen(state === 2.U) {
    when(io.in === 0.U) {
      stopFlag := true.B
      state := 3.U
    } .elsewhen(io.in === 1.U) {
      data := data + 1.U
      state := 2.U
    }
  } .elsewhen(state === 3.U) {
    when(io.in === 0.U) {
      stopFlag := false.B
      state := 0.U
      doneFlag := true.B
    } .elsewhen(io.in === 1.U) {
      data := data + 1.U
      state := 3.U
    }
  }

  when(doneFlag) {
    io.out_byte := peak
    io.done := true.B
  }

  when(startFlag) {
    idleFlag := false.B
    startFlag := false.B
  }

  when(stopFlag) {
    idleFlag := false.B
    stopFlag := false.B
  }

  when(idleFlag) {
    io.out_byte := 0.U
    io.done := false.B
  }
}
