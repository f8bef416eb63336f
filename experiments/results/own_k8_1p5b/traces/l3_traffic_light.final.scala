import chisel3._
import chisel3.util._

class TrafficLight extends Module {
  val io = IO(new Bundle {
    val en    = Input(Bool())
    val light = Output(UInt(2.W))
    val timer = Output(UInt(3.W))
  })

  val state = RegInit(UInt(2.W))
  val timer = RegInit(4.U(3.W))

  when(io.en) {
    switch(state) {
      is(0.U) {
        when(timer === 0.U) {
          state := 1.U
          timer := 3.U
        } otherwise {
          timer := timer - 1.U
        }
      }
      is(1.U) {
        when(timer === 0.U) {
          state := 2.U
          timer := 4.U
        } otherwise {
          timer := timer - 1.U
        }
      }
      is(2.U) {
        when(timer === 0.U) {
          state := 0.U
          timer := 3.U
        } otherwise {
          timer := timer - 1.U
        }
      }
    }
  }

  io.light := state
  io.timer := timer
}
